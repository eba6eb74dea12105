package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.protocol.Frame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentBufferTest {
    private static Frame.EventBatch event(int i) {
        return new Frame.EventBatch(List.of(Map.of("n", i)));
    }

    @Test
    void drainTakesTheOldestRowsWhetherOrNotTheyWereSentAndOnlyAnAckRemovesAnEventRow() {
        AgentBuffer b = new AgentBuffer(100);
        for (int i = 0; i < 10; i++) {
            b.append(AgentBuffer.Kind.EVENT, "ev_" + i, event(i));
        }
        List<AgentBuffer.Row> first = b.drain(4);
        assertThat(first).extracting(r -> r.frameId).containsExactly("ev_0", "ev_1", "ev_2", "ev_3");
        first.forEach(r -> r.sends++);
        assertThat(b.drain(4)).as("sent rows are drained again").extracting(r -> r.frameId)
                .containsExactly("ev_0", "ev_1", "ev_2", "ev_3");

        assertThat(b.confirm("ev_1")).isNotNull();
        assertThat(b.confirm("ev_1")).as("a second ack for the same id").isNull();
        assertThat(b.confirm("ev_unknown")).isNull();
        assertThat(b.drain(4)).extracting(r -> r.frameId).containsExactly("ev_0", "ev_2", "ev_3", "ev_4");
        assertThat(b.eventRows()).isEqualTo(9);
    }

    @Test
    void controlRowsQueueBehindEventsAndLeaveOnlyWhenDeleted() {
        AgentBuffer b = new AgentBuffer(100);
        for (int i = 0; i < 3; i++) {
            b.append(AgentBuffer.Kind.EVENT, "ev_" + i, event(i));
        }
        b.append(AgentBuffer.Kind.CONTROL, "hb_1", new Frame.Heartbeat(3, null, 0, Map.of()));
        assertThat(b.drain(3)).as("a heartbeat behind 3 events is outside a pass of 3")
                .extracting(r -> r.frameId).containsExactly("ev_0", "ev_1", "ev_2");
        AgentBuffer.Row hb = b.drain(4).get(3);
        b.delete(hb);
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.eventRows()).isEqualTo(3);
    }

    @Test
    void aFullBufferEvictsItsOldestRow() {
        AgentBuffer b = new AgentBuffer(3);
        for (int i = 0; i < 3; i++) {
            assertThat(b.append(AgentBuffer.Kind.EVENT, "ev_" + i, event(i))).isNull();
        }
        AgentBuffer.Row evicted = b.append(AgentBuffer.Kind.EVENT, "ev_3", event(3));
        assertThat(evicted.frameId).isEqualTo("ev_0");
        assertThat(b.confirm("ev_0")).isNull();
        assertThat(b.drain(10)).extracting(r -> r.frameId).containsExactly("ev_1", "ev_2", "ev_3");
    }

    @Test
    void pendingInASessionIsWhatWasSentOnThatConnectionAndNotYetAcked() {
        AgentBuffer b = new AgentBuffer(10);
        for (int i = 0; i < 4; i++) {
            b.append(AgentBuffer.Kind.EVENT, "ev_" + i, event(i));
        }
        List<AgentBuffer.Row> rows = b.drain(4);
        rows.get(0).sentInSession = 1;
        rows.get(1).sentInSession = 2;
        rows.get(2).sentInSession = 2;
        b.confirm("ev_2");
        assertThat(b.pendingIn(2)).extracting(r -> r.frameId).containsExactly("ev_1");
    }
}
