package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A link with Ethernet's segment size that never leaves this machine: a network namespace of its
 * own and a veth pair with MTU {@link #MTU}, one end ({@link #hostAddress}, where a brain listens)
 * in this namespace, the other ({@link #namespaceAddress}) inside the new one, where the load
 * generators run. The namespace gets only {@code lo} and that end, and no default route, so
 * nothing started in it can reach anything but the brain's end of the pair; loadgen checks exactly
 * that before it accepts the non-loopback target ({@code --veth-target}).
 *
 * <p>Why: on loopback the segment size is 64 KB and Linux grows an agent's send buffer to
 * {@code tcp_wmem} max (4 MB), which a Python-speed agent needs seconds to fill; with a 1500-byte
 * MTU it grows far less, as over a real network.
 *
 * <p>{@link #close} removes both ends and the namespace; a shutdown hook does the same if the run
 * is interrupted, and bench/capacity.sh removes them by name on exit as a last resort.
 */
final class VethLink implements AutoCloseable {
    static final int MTU = 1500;

    /** The namespace; the pair's ends are {@code name + "h"} (here) and {@code name + "n"} (inside). */
    final String namespace;
    final String hostInterface;
    final String namespaceInterface;
    final String hostAddress;
    final String namespaceAddress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private VethLink(String namespace, String hostAddress, String namespaceAddress) {
        this.namespace = namespace;
        this.hostInterface = namespace + "h";
        this.namespaceInterface = namespace + "n";
        this.hostAddress = hostAddress;
        this.namespaceAddress = namespaceAddress;
        this.hook = new Thread(this::remove, "capacity-veth-cleanup");
    }

    /** Why this machine cannot have the link (null when it can): it needs root and iproute2. */
    static String unavailableReason() {
        try {
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst()
                    .map(l -> l.split("\\s+")[1].equals("0")).orElse(false);
            if (!root) {
                return "not running as root (network namespaces and veth pairs need it)";
            }
            Result v = ip(List.of("ip", "-V"));
            return v.ok() ? null : "iproute2 `ip` is not usable: " + v.output();
        } catch (IOException e) {
            return "cannot check for root and iproute2: " + e.getMessage();
        }
    }

    /**
     * Creates the namespace {@code name} (at most 14 characters, the interface names add one) and the
     * pair, on a /30 of 10.254.0.0/16 picked from the name and not yet used on this machine.
     */
    static VethLink create(String name) throws IOException {
        if (name.length() > 14 || !name.matches("z4j[a-z0-9]+")) {
            throw new IllegalArgumentException("veth link name '" + name + "' must be z4j[a-z0-9]+, at most 14 chars");
        }
        String used = ip(List.of("ip", "-o", "-4", "addr", "show")).output();
        int block = Math.floorMod(name.hashCode(), 16384);
        for (int i = 0; i < 16 && used.contains(address(block, 1) + "/"); i++) {
            block = (block + 1) % 16384;
        }
        if (used.contains(address(block, 1) + "/")) {
            throw new IOException("no free /30 in 10.254.0.0/16 near block " + block);
        }
        VethLink link = new VethLink(name, address(block, 1), address(block, 2));
        Runtime.getRuntime().addShutdownHook(link.hook);
        try {
            link.setUp();
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    private void setUp() throws IOException {
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface, "netns", namespace);
        run("ip", "addr", "add", hostAddress + "/30", "dev", hostInterface);
        run("ip", "link", "set", hostInterface, "mtu", Integer.toString(MTU), "up");
        run("ip", "-n", namespace, "addr", "add", namespaceAddress + "/30", "dev", namespaceInterface);
        run("ip", "-n", namespace, "link", "set", namespaceInterface, "mtu", Integer.toString(MTU), "up");
        run("ip", "-n", namespace, "link", "set", "lo", "up");
    }

    /** The prefix that runs a command inside the namespace. */
    List<String> inside() {
        return List.of("ip", "netns", "exec", namespace);
    }

    String describe() {
        return "veth pair MTU " + MTU + ": brain on " + hostAddress + " (" + hostInterface + "), load generators in "
                + "network namespace " + namespace + " on " + namespaceAddress + " (" + namespaceInterface + ")";
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run remove() itself
        }
    }

    /** Deleting one end deletes the pair; the namespace goes once nothing runs in it. Idempotent. */
    private void remove() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ip(List.of("ip", "link", "del", hostInterface));
            ip(List.of("ip", "netns", "del", namespace));
        } catch (IOException e) {
            System.err.println("capacity: could not remove " + namespace + " / " + hostInterface + ": " + e.getMessage());
        }
    }

    private static String address(int block, int host) {
        return "10.254." + (block / 64) + "." + ((block % 64) * 4 + host);
    }

    private static void run(String... cmd) throws IOException {
        Result r = ip(List.of(cmd));
        if (!r.ok()) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.output());
        }
    }

    private record Result(boolean ok, String output) {}

    private static Result ip(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, String.join(" ", cmd) + " did not finish in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
        return new Result(p.exitValue() == 0, out);
    }
}
