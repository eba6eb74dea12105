package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AgentShapeOutboxTest {
    private static final long MS = 1_000_000L;

    private static List<Map<String, Object>> events(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.of("id", "e" + i));
        }
        return out;
    }

    private static List<String> ids(List<PendingBatch> frames) {
        return frames.stream().map(b -> b.id).toList();
    }

    @Test
    void oneEventPerFrameWithBareStyleIds() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(1), 100);
        box.add(events(3), 0);
        List<PendingBatch> first = box.pass(0);
        assertThat(first).hasSize(3).allSatisfy(b -> {
            assertThat(b.events).hasSize(1);
            assertThat(b.id).matches("ev_[0-9a-f]{12}");
        });
        assertThat(box.unackedEvents()).isEqualTo(3);
        assertThat(box.queuedEvents()).isZero();
    }

    @Test
    void everyUnackedFrameIsResentOnEveryPassAndAckedOnesNeverAgain() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(2), 100);
        box.add(events(3), 0);
        List<String> pass1 = ids(box.pass(0));
        assertThat(box.ack(pass1.get(1))).isNotNull();

        box.add(events(1), 50 * MS);
        List<PendingBatch> pass2 = box.pass(50 * MS);
        // the two un-acked frames first (oldest first), then the new one
        assertThat(ids(pass2).subList(0, 2)).containsExactly(pass1.get(0), pass1.get(2));
        assertThat(pass2).hasSize(3);
        assertThat(pass2.get(0).isFirstSend()).isFalse();
        assertThat(pass2.get(2).isFirstSend()).isTrue();

        for (int pass = 3; pass < 10; pass++) {
            List<String> again = ids(box.pass(pass * 50 * MS));
            assertThat(again).doesNotContain(pass1.get(1)).contains(pass1.get(0), pass1.get(2));
        }
        assertThat(box.ack(pass1.get(0))).isNotNull();
        assertThat(box.ack(pass1.get(2))).isNotNull();
        assertThat(box.ack(pass2.get(2).id)).isNotNull();
        assertThat(box.pass(600 * MS)).isEmpty();
        assertThat(box.unackedEvents()).isZero();
    }

    @Test
    void firstSendTimeIsKeptAcrossResendsForAckLatency() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(3), 100);
        box.add(events(1), 0);
        String id = box.pass(10 * MS).get(0).id;
        box.pass(60 * MS);
        box.pass(110 * MS);
        PendingBatch acked = box.ack(id);
        assertThat(acked.firstSentNanos).isEqualTo(10 * MS);
        assertThat(acked.sends).isEqualTo(3);
    }

    @Test
    void duplicateAndUnknownAcksSettleNothing() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(4), 100);
        box.add(events(2), 0);
        String id = box.pass(0).get(0).id;
        assertThat(box.ack(id)).isNotNull();
        assertThat(box.ack(id)).isNull();
        assertThat(box.ack("ev_000000000000")).isNull();
        assertThat(box.unackedEvents()).isEqualTo(1);
    }

    @Test
    void aPassTakesTheOldestFiveHundredEntries() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(5), 10_000);
        box.add(events(700), 0);
        List<PendingBatch> first = box.pass(0);
        assertThat(first).hasSize(AgentShapeOutbox.PASS_LIMIT);
        assertThat(box.queuedEvents()).isEqualTo(200);
        // nothing acked: the next pass re-sends the same 500 and the newer 200 still wait
        assertThat(ids(box.pass(50 * MS))).isEqualTo(ids(first));
        IntStream.range(0, 500).forEach(i -> box.ack(first.get(i).id));
        assertThat(box.pass(100 * MS)).hasSize(200).allSatisfy(b -> assertThat(b.isFirstSend()).isTrue());
    }

    @Test
    void roomShrinksWithTheBuffer() {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(6), 10);
        box.add(events(7), 0);
        assertThat(box.room()).isEqualTo(3);
    }
}
