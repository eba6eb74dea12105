package dev.z4j.brain.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/** Loads {@code vectors/vectors.json} (the golden frames of the original implementation). */
public final class Vectors {
    private static JsonNode root;

    private Vectors() {}

    public static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = Vectors.class.getResourceAsStream("/vectors/vectors.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    public static byte[] masterSecret() {
        return root().at("/inputs/master_secret_utf8").asText().getBytes(StandardCharsets.UTF_8);
    }

    public static UUID projectId() {
        return UUID.fromString(root().at("/inputs/project_id").asText());
    }

    public static byte[] projectSecret() {
        return Secrets.projectSecret(masterSecret(), projectId());
    }

    public static SessionBinding binding() {
        JsonNode in = root().at("/inputs");
        return new SessionBinding(in.get("agent_id").asText(), in.get("project_id").asText(),
                in.get("session_id").asText());
    }

    public static SessionBinding binding(JsonNode b) {
        return new SessionBinding(b.get("agent_id").asText(), b.get("project_id").asText(),
                b.get("session_id").asText());
    }

    /** The exact bytes of a {@code *_b64} field, or the UTF-8 of the text field. */
    public static byte[] bytes(JsonNode node, String field) {
        JsonNode b64 = node.get(field + "_b64");
        return b64 != null ? Base64.getDecoder().decode(b64.asText())
                : node.get(field).asText().getBytes(StandardCharsets.UTF_8);
    }

    public static Instant instant(String iso) {
        return OffsetDateTime.parse(iso).toInstant();
    }

    public static Clock clockAt(String iso) {
        return Clock.fixed(instant(iso), ZoneOffset.UTC);
    }
}
