package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The machine as /proc describes it, for the report header. */
record Machine(int cores, String cpuModel, long memTotalKib, String loadAverage) {

    static Machine read() throws IOException {
        List<String> cpu = Files.readAllLines(Path.of("/proc/cpuinfo"));
        int cores = (int) cpu.stream().filter(l -> l.startsWith("processor")).count();
        String model = cpu.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        long mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        return new Machine(cores, model, mem, load);
    }

    /** The 1-minute load average right now (the machine is shared; the report says how busy it was). */
    static String loadNow() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
    }

    /** The CPU check of the run's start ({@link #checkAtStart}); null before it. */
    private static volatile Long hmacsAtStart;

    /**
     * A fixed workload on one thread: HMAC-SHA256 of 1 KiB, as many as fit in one second after a
     * short warm-up. The machine is shared and its speed changes over a day (the same reads ran 2x
     * slower in an afternoon than in the morning); sections written at different times are
     * compared by this figure, not by the load average, which does not see other tenants.
     */
    static long hmacsPerSecond() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] input = new byte[1024];
            long sink = 0;
            long warmUntil = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < warmUntil) {
                sink += mac.doFinal(input)[0];
            }
            long n = 0;
            long t0 = System.nanoTime();
            long end = t0 + 1_000_000_000L;
            while (System.nanoTime() < end) {
                input[0] = (byte) (sink += mac.doFinal(input)[0]); // each input depends on the last: no dead code
                n++;
            }
            return Math.round(n * 1e9 / (System.nanoTime() - t0));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** Runs the CPU check before the first phase; {@link #cpuCheck} reports it next to one at the end. */
    static long checkAtStart() {
        long n = hmacsPerSecond();
        hmacsAtStart = n;
        return n;
    }

    /** "CPU check (...): N/s at the start, M/s at the end", M measured now. */
    static String cpuCheck() {
        long atEnd = hmacsPerSecond();
        return String.format(Locale.ROOT, "CPU check (HMAC-SHA256 of 1 KiB on one thread, `Machine.hmacsPerSecond`): "
                + "%,d/s at the start, %,d/s at the end", hmacsAtStart == null ? atEnd : hmacsAtStart, atEnd);
    }

    String describe() {
        return String.format("%d cores (%s), %.1f GiB RAM (MemTotal %d kB)", cores, cpuModel,
                memTotalKib / 1024.0 / 1024.0, memTotalKib);
    }
}
