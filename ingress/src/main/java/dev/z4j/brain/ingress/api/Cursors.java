package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.read.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The opaque {@code next_cursor} strings, in the original brain's formats: url-safe base64 (no
 * padding) of {@code [[kind, value], "<uuid>"]} for the task, event and command lists, and
 * {@code "<iso time>|<uuid hex>"} for the home page's recent failures. A cursor always names the
 * last row returned, so no row is skipped. A string that is not a cursor is a 422 naming the field,
 * except on the audit list, where (as in the original) a malformed cursor means "first page".
 */
public final class Cursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Cursors() {}

    /** The audit list's position: the last row's time and id. */
    public record Position(Instant at, UUID id) {}

    public static String audit(Instant at, UUID id) {
        return encode(at, id);
    }

    /** Null for a missing or malformed cursor (the audit list then starts at its first page). */
    public static Position audit(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            Decoded d = decode(cursor);
            return d.time() == null ? null : new Position(d.time(), d.id());
        } catch (ApiProblem e) {
            return null;
        }
    }

    public static String task(Keys.Task k) {
        return encode(k.startedAt(), k.id());
    }

    public static Keys.Task task(String cursor) throws ApiProblem {
        Decoded d = decode(cursor);
        return new Keys.Task(d.time(), d.id());
    }

    public static String event(Keys.Event k) {
        return encode(k.occurredAt(), k.id());
    }

    public static Keys.Event event(String cursor) throws ApiProblem {
        Decoded d = decode(cursor);
        if (d.time() == null) {
            throw bad();
        }
        return new Keys.Event(d.time(), d.id());
    }

    public static String command(Keys.Command k) {
        return encode(k.issuedAt(), k.id());
    }

    public static Keys.Command command(String cursor) throws ApiProblem {
        Decoded d = decode(cursor);
        if (d.time() == null) {
            throw bad();
        }
        return new Keys.Command(d.time(), d.id());
    }

    public static String failure(Keys.Failure k) {
        return isoformat(k.finishedAt()) + "|" + k.id().toString().replace("-", "");
    }

    public static Keys.Failure failure(String cursor) throws ApiProblem {
        int bar = cursor.lastIndexOf('|');
        if (bar < 0) {
            throw bad();
        }
        try {
            Instant at = OffsetDateTime.parse(cursor.substring(0, bar)).toInstant();
            byte[] b = HexFormat.of().parseHex(cursor.substring(bar + 1));
            if (b.length != 16) {
                throw bad();
            }
            return new Keys.Failure(at, new UUID(java.nio.ByteBuffer.wrap(b).getLong(), java.nio.ByteBuffer.wrap(b, 8, 8).getLong()));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw bad();
        }
    }

    /** Python's {@code isoformat()} of an aware UTC time: microseconds only when not zero, then +00:00. */
    static String isoformat(Instant t) {
        LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        String base = local.withNano(0).toString();
        if (local.getSecond() == 0 && base.length() == 16) {
            base += ":00"; // LocalDateTime drops zero seconds
        }
        int micros = local.getNano() / 1_000;
        return base + (micros == 0 ? "" : String.format(".%06d", micros)) + "+00:00";
    }

    private static String encode(Instant time, UUID id) {
        String key = time == null ? "[\"null\",null]" : "[\"dt\",\"" + isoformat(time) + "\"]";
        String json = "[" + key + ",\"" + id + "\"]";
        return ENCODER.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private record Decoded(Instant time, UUID id) {}

    private static Decoded decode(String cursor) throws ApiProblem {
        try {
            JsonNode n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            if (n == null || !n.isArray() || n.size() != 2 || !n.get(0).isArray() || !n.get(1).isTextual()) {
                throw bad();
            }
            UUID id = UUID.fromString(n.get(1).textValue());
            JsonNode key = n.get(0);
            String kind = key.path(0).asText();
            if (kind.equals("null")) {
                return new Decoded(null, id);
            }
            if (!kind.equals("dt") || !key.path(1).isTextual()) {
                throw bad();
            }
            return new Decoded(OffsetDateTime.parse(key.get(1).textValue()).toInstant(), id);
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            throw bad();
        }
    }

    private static ApiProblem bad() {
        return ApiProblem.invalid("cursor", "is not a next_cursor this list returned");
    }
}
