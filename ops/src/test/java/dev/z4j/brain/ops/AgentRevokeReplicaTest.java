package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking an agent deletes it and closes every live socket of it with 4003, on whichever replica
 * holds it; the token no longer connects (4401).
 */
class AgentRevokeReplicaTest {
    @TempDir
    Path home;

    @Test
    void revokeOnOneReplicaKicksTheSocketOnTheOther() throws Exception {
        try (BrainFixture a = BrainFixture.start(BrainFixture.Db.POSTGRES, home, OperatorClient.FAST);
             BrainFixture b = BrainFixture.replicaOf(a)) {
            TestAgent onB = a.newAgent("kicked", "w-1").connect(b.port()).handshake();
            TestAgent sibling = new TestAgent(onB.agentId, onB.token,
                    java.util.Base64.getUrlEncoder().encodeToString(onB.projectSecret), "w-2").connect(b.port()).handshake();
            TestAgent bystander = a.newAgent("stays", "w-3").connect(b.port()).handshake();

            OperatorClient admin = OperatorClient.login(a.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            assertThat(admin.delete("/api/v1/projects/default/agents/" + onB.agentId).statusCode()).isEqualTo(204);

            assertThat(onB.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(4003);
            assertThat(sibling.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(4003);
            assertThat(bystander.closeCode().isDone()).isFalse();
            assertThat(a.count("SELECT count(*) FROM agents WHERE id = '" + onB.agentId + "'")).isZero();
            TestAgent again = new TestAgent(onB.agentId, onB.token,
                    java.util.Base64.getUrlEncoder().encodeToString(onB.projectSecret), "w-1").connect(b.port());
            assertThat(again.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(4401);
            assertThat(json(admin.get("/api/v1/projects/default/agents"))).hasSize(1);
            bystander.close();
        }
    }

    @Test
    void revokeOnSqliteKicksTheLocalSocket() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST)) {
            TestAgent agent = brain.newAgent("local").connect(brain.port()).handshake();
            OperatorClient key = OperatorClient.withKey(brain.port(), brain.adminKey());
            assertThat(key.delete("/api/v1/projects/default/agents/" + agent.agentId).statusCode()).isEqualTo(204);
            assertThat(agent.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(4003);
        }
    }
}
