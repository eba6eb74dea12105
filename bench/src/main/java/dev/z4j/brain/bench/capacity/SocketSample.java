package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agents' side of their sockets at one moment, from {@code ss -tmi}: the largest kernel send
 * buffer ({@code skmem tb}, what Linux autotuning grew it to) and the segment size. Under the
 * resend brake an agent reads its acks only once that buffer is full, so it sets the cycle time.
 */
record SocketSample(int sockets, long sendBufferBytes, int mss) {
    private static final Pattern SEND_BUFFER = Pattern.compile("\\btb(\\d+)");
    private static final Pattern MSS = Pattern.compile("\\bmss:(\\d+)");

    static final SocketSample NONE = new SocketSample(0, -1, -1);

    /**
     * Agent-side sockets toward {@code port} ({@code dport}), seen from where the agents run:
     * {@code prefix} is empty on loopback, {@code ip netns exec NS} for the veth link.
     */
    static SocketSample take(List<String> prefix, int port) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("ss", "-tmi", "state", "established", "( dport = :" + port + " )"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return NONE;
            }
            return parse(text);
        } catch (IOException e) {
            return NONE; // no ss on this machine: the report says "not sampled"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        }
    }

    /** {@code ss -tmi} output (state filter given, so lines start with the socket, not the state column). */
    static SocketSample parse(String ss) {
        int sockets = 0;
        long tb = -1;
        int mss = -1;
        for (String line : ss.split("\n")) {
            Matcher t = SEND_BUFFER.matcher(line);
            if (t.find()) {
                sockets++;
                tb = Math.max(tb, Long.parseLong(t.group(1)));
            }
            Matcher m = MSS.matcher(line);
            if (m.find()) {
                mss = Math.max(mss, Integer.parseInt(m.group(1)));
            }
        }
        return new SocketSample(sockets, tb, mss);
    }

    boolean sampled() {
        return sockets > 0;
    }

    String describe() {
        return sampled() ? String.format("send buffer %.2f MB, mss %d", sendBufferBytes / 1e6, mss) : "not sampled";
    }
}
