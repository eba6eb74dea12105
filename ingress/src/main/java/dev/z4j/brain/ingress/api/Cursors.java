package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * Page cursors as the original encodes them, so a client may keep one across brains: url-safe
 * base64 (no padding) of {@code [["dt","<ISO time +00:00>"],"<uuid>"]} for the last row returned.
 * Clients treat them as opaque; a malformed one means "first page".
 */
public final class Cursors {
    /** As Python's isoformat() writes a UTC datetime: microseconds and "+00:00". */
    private static final java.time.format.DateTimeFormatter ISO =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private Cursors() {}

    public record Position(Instant at, UUID id) {}

    public static String encode(Instant at, UUID id) {
        String iso = ISO.format(OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        String json = "[[\"dt\",\"" + iso + "\"],\"" + id + "\"]";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Null for a missing or malformed cursor. */
    public static Position decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            JsonNode key = n.get(0);
            if (!"dt".equals(key.get(0).asText())) {
                return null;
            }
            return new Position(OffsetDateTime.parse(key.get(1).asText()).toInstant(), UUID.fromString(n.get(1).asText()));
        } catch (Exception e) {
            return null;
        }
    }
}
