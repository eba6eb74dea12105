package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a PostgreSQL server has used, from /proc: its postmaster (named by the first line of
 * {@code postmaster.pid} in its data directory) and every process it forked, live ones by their
 * own time, exited ones through the postmaster's reaped-children time. The difference of two
 * readings is the server's CPU between them, whatever backends came and went.
 */
final class ServerCpu {
    /** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux x86-64 kernel. */
    static final double TICKS_PER_SECOND = 100;

    private ServerCpu() {}

    /** Seconds of CPU the server whose data directory is {@code dataDir} has used so far. */
    static double seconds(Path dataDir) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
        String[] own = fields(postmaster);
        if (own == null) {
            throw new IOException("the PostgreSQL server of " + dataDir + " (pid " + postmaster + ") is not running");
        }
        long ticks = ticks(own);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != postmaster && parentOf(pid) == postmaster) {
                    ticks += ticks(fields(pid));
                }
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** utime + stime + cutime + cstime (its reaped children); 0 once the process is gone. */
    private static long ticks(String[] f) {
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static long parentOf(long pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    /**
     * The fields of /proc/PID/stat after the command name, which may hold spaces and parentheses,
     * so the split starts after its last ')': index 0 is field 3 (state), so field n is index n - 3.
     */
    static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    }

    private static String[] fields(long pid) {
        try {
            return fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            return null; // exited between the listing and the read: its time is in the postmaster's cutime now
        }
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
