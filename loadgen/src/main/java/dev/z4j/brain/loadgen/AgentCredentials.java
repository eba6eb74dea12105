package dev.z4j.brain.loadgen;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One minted agent, exactly the brain's mint response (also the credentials-file entry). */
@JsonIgnoreProperties(ignoreUnknown = true)
record AgentCredentials(
        @JsonProperty("agent_id") String agentId,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("project") String project,
        @JsonProperty("name") String name,
        @JsonProperty("token") String token,
        @JsonProperty("hmac_secret") String hmacSecret) {

    void requireComplete(String where) {
        if (token == null || token.isBlank() || hmacSecret == null || hmacSecret.isBlank()) {
            throw new IllegalStateException(where + ": agent " + name + " has no token or hmac_secret");
        }
    }
}
