package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.read.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorsTest {
    private static final UUID ID = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f");

    @Test
    void aTaskCursorIsTheOriginalsBase64JsonOfTheLastRowAndRoundTrips() throws Exception {
        Keys.Task k = new Keys.Task(Instant.parse("2026-05-01T09:00:00.123456Z"), ID);
        String cursor = Cursors.task(k);
        assertThat(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8))
                .isEqualTo("[[\"dt\",\"2026-05-01T09:00:00.123456+00:00\"],\"" + ID + "\"]");
        assertThat(cursor).doesNotContain("=", "+", "/");
        assertThat(Cursors.task(cursor)).isEqualTo(k);

        Keys.Task never = new Keys.Task(null, ID);
        assertThat(new String(Base64.getUrlDecoder().decode(Cursors.task(never)), StandardCharsets.UTF_8))
                .isEqualTo("[[\"null\",null],\"" + ID + "\"]");
        assertThat(Cursors.task(Cursors.task(never))).isEqualTo(never);
    }

    @Test
    void eventCommandAndFailureCursorsRoundTrip() throws Exception {
        Instant t = Instant.parse("2026-05-01T09:00:00Z");
        assertThat(Cursors.event(Cursors.event(new Keys.Event(t, ID)))).isEqualTo(new Keys.Event(t, ID));
        assertThat(Cursors.command(Cursors.command(new Keys.Command(t, ID)))).isEqualTo(new Keys.Command(t, ID));
        String failure = Cursors.failure(new Keys.Failure(t.plusNanos(5_000), ID));
        assertThat(failure).isEqualTo("2026-05-01T09:00:00.000005+00:00|6f1c2d3e4b5a4c6d8e9f0a1b2c3d4e5f");
        assertThat(Cursors.failure(failure)).isEqualTo(new Keys.Failure(t.plusNanos(5_000), ID));
    }

    @Test
    void pythonIsoformatKeepsZeroSecondsAndOmitsZeroMicroseconds() {
        assertThat(Cursors.isoformat(Instant.parse("2026-05-01T09:00:00Z"))).isEqualTo("2026-05-01T09:00:00+00:00");
        assertThat(Cursors.isoformat(Instant.parse("2026-05-01T09:00:07.5Z")))
                .isEqualTo("2026-05-01T09:00:07.500000+00:00");
    }

    @Test
    void aStringThatIsNoCursorIsA422NamingTheCursor() {
        for (String bad : new String[] {"nope", "W10", Base64.getUrlEncoder().encodeToString("[1,2]".getBytes()),
                Base64.getUrlEncoder().encodeToString("[[\"dt\",\"yesterday\"],\"x\"]".getBytes())}) {
            assertThatThrownBy(() -> Cursors.task(bad)).as(bad).isInstanceOfSatisfying(ApiProblem.class, p -> {
                assertThat(p.status()).isEqualTo(422);
                assertThat(p.code()).isEqualTo("validation_error");
                assertThat(p.details()).containsEntry("field", "cursor");
            });
        }
        String nullTime = Cursors.task(new Keys.Task(null, ID));
        assertThatThrownBy(() -> Cursors.event(nullTime)).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> Cursors.failure("2026-05-01T09:00:00+00:00|abc")).isInstanceOf(ApiProblem.class);
    }
}
