package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.ingress.StorableText;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.util.UUID;

/** What a z4j agent needs to connect: id, token (shown once) and the project's hmac_secret. */
public record AgentCredentials(UUID agentId, UUID projectId, String projectSlug, String name, String token,
                               String hmacSecret) {
    static final int MAX_NAME = 200;

    /** The flat JSON the CLI prints ({@code agent_id, project_id, project, name, token, hmac_secret}). */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("agent_id", agentId.toString());
        n.put("project_id", projectId.toString());
        n.put("project", projectSlug);
        n.put("name", name);
        n.put("token", token);
        n.put("hmac_secret", hmacSecret);
        return n;
    }

    /** Mints an agent; shared by the REST call and the CLI. {@code rawName} is validated (and stripped) here. */
    public static AgentCredentials mint(Directory directory, byte[] master, UUID projectId, String projectSlug,
                                        String rawName) throws StoreException, ApiError {
        String name = name(rawName);
        String token = Tokens.random();
        Directory.Agent agent;
        try {
            agent = directory.createAgent(projectId, name, Secrets.tokenHash(master, token));
        } catch (StoreException e) {
            if (!e.conflict()) {
                throw e;
            }
            throw ApiError.conflict("an agent with that name already exists in this project", "name", name);
        }
        return new AgentCredentials(agent.id(), projectId, projectSlug, name, token,
                Secrets.agentHmacSecret(Secrets.projectSecret(master, projectId)));
    }

    static String name(String raw) throws ApiError {
        if (raw == null || raw.isBlank()) {
            throw ApiError.validation("name", "must be a non-empty string");
        }
        String name = StorableText.check("name", raw.strip());
        return Check.text("name", name, 1, MAX_NAME);
    }
}
