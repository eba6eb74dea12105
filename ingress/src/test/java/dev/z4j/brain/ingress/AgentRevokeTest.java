package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.BufferData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deleted agent keeps no socket here, including one that was half-way through connecting. */
class AgentRevokeTest {
    @TempDir
    Path home;
    GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyOpenSocketOfTheAgentClosesWith4003AndOthersStay() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent doomed = h.newAgent("doomed");
        GatewayHarness.Agent other = h.newAgent("other");
        FakeSession s1 = FakeSession.open();
        FakeSession s2 = FakeSession.open();
        FakeSession kept = FakeSession.open();
        h.connect(doomed, "w1", s1);
        h.connect(doomed, "w2", s2);
        h.connect(other, "w1", kept);

        assertThat(h.db.access().agents().delete(h.project, doomed.id())).isTrue();
        assertThat(h.gateway.revoke(doomed.id())).isEqualTo(2);

        assertThat(s1.closed).isCompletedWithValue(CloseCodes.REVOKED);
        assertThat(s2.closed).isCompletedWithValue(CloseCodes.REVOKED);
        assertThat(kept.closed).isNotDone();
        assertThat(h.gateway.holds(doomed.id())).isFalse();
        assertThat(h.gateway.holds(other.id())).isTrue();
    }

    /**
     * The token was looked up (upgrade) just before the operator deleted the agent, and the socket
     * opens only after revoke() went through the open sockets: it must not live on as an agent
     * that no longer exists.
     */
    @Test
    void aSocketAuthenticatedJustBeforeTheDeleteIsClosedWhenItOpens() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("racing");
        AgentConnection c = h.upgrade(agent); // bearer accepted: the agent still existed

        assertThat(h.db.access().agents().delete(h.project, agent.id())).isTrue();
        assertThat(h.gateway.revoke(agent.id())).isZero(); // this socket is not open yet

        FakeSession session = FakeSession.open();
        c.onOpen(session);
        c.onMessage(session, BufferData.create(GatewayHarness.hello("w1")), true);

        assertThat(session.closed).isCompletedWithValue(CloseCodes.REVOKED);
        assertThat(session.idsOf("hello_ack")).isEmpty();
        assertThat(h.gateway.holds(agent.id())).isFalse();
        assertThat(h.counter("z4j_agent_closes_total", "code", "4003")).isEqualTo(1);
    }
}
