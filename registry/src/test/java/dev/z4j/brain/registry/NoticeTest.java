package dev.z4j.brain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class NoticeTest {
    private final UUID project = UUID.randomUUID();

    @Test
    void survivesTheNotifyPayloadRoundTrip() {
        Notice n = new Notice(project, Notice.COMMAND_CHANGED, 3, UUID.randomUUID().toString());
        assertThat(Notice.decode(n.encode())).isEqualTo(n);
        Notice coalesced = new Notice(project, Notice.TASK_CHANGED, 120, null);
        assertThat(Notice.decode(coalesced.encode())).isEqualTo(coalesced);
        assertThat(coalesced.encode().length()).isLessThan(200); // NOTIFY limit is 8000 bytes
    }

    @Test
    void mergingAddsCountsAndKeepsTheSubjectOnlyIfShared() {
        Notice a = new Notice(project, Notice.TASK_CHANGED, 2, "x");
        assertThat(a.merge(new Notice(project, Notice.TASK_CHANGED, 5, "x"))).isEqualTo(
                new Notice(project, Notice.TASK_CHANGED, 7, "x"));
        assertThat(a.merge(new Notice(project, Notice.TASK_CHANGED, 1, "y")).subject()).isNull();
    }

    @Test
    void malformedPayloadsAreRefused() {
        assertThatThrownBy(() -> Notice.decode("garbage")).isInstanceOf(IllegalArgumentException.class);
    }
}
