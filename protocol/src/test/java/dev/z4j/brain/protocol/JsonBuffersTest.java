package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The brain parses every agent frame on that agent's virtual thread, which then parks until the next
 * frame, for hours. Buffers the parser keeps per thread stay with every idle socket (and grow to the
 * longest string it ever read); these tests hold {@value #THREADS} parked threads that each parsed a
 * frame with a 40,000-character string and weigh what they retain. A second stack chunk (a thread
 * that parked twice) weighs about 1 KB, hence the margin.
 */
class JsonBuffersTest {
    private static final int THREADS = 500;
    private static final byte[] FRAME = ("{\"v\":2,\"type\":\"event_batch\",\"id\":\"b-1\",\"ts\":\"2026-11-30T00:00:00Z\","
            + "\"payload\":{\"events\":[{\"kind\":\"task.succeeded\",\"task_id\":\"t-1\",\"result\":\""
            + "x".repeat(40_000) + "\"}]}}").getBytes(StandardCharsets.UTF_8);

    @Test
    void parsedFramesLeaveNoBuffersWithTheirParkedThreads() throws Exception {
        double parked = Heap.retainedPerParkedThread(THREADS, () -> { });
        double parsed = Heap.retainedPerParkedThread(THREADS, () -> {
            Json.parse(FRAME);
            FramePeek.envelope(FRAME, 0, FRAME.length);
        });
        assertThat(parsed - parked).as("bytes a parse leaves with its parked thread").isLessThan(4_000);
    }

    /** The measurement sees what Jackson's default (a set of buffers per thread) would cost. */
    @Test
    void theThreadLocalDefaultWouldPinBuffersToEveryThread() throws Exception {
        JsonFactory perThread = JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build();
        double parked = Heap.retainedPerParkedThread(THREADS, () -> { });
        double parsed = Heap.retainedPerParkedThread(THREADS, () -> {
            try (JsonParser p = perThread.createParser(FRAME)) {
                while (p.nextToken() != null) {
                    p.getText();
                }
            }
        });
        assertThat(parsed - parked).as("bytes a parse leaves with its parked thread").isGreaterThan(20_000);
    }
}
