package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per record, as text or as JSON, whatever the message or the exception holds. */
class LogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogRecord record(Level level, String message, Throwable thrown, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.z4j.brain.ops.Brain");
        r.setInstant(Instant.parse("2026-01-31T12:00:00.123Z"));
        r.setParameters(params);
        r.setThrown(thrown);
        return r;
    }

    private static final Throwable FAILURE = new IllegalStateException("outer\nsecond line",
            new UncheckedIOException(new IOException("disk full")));

    @Test
    void textIsOneLineWithTimeLevelShortLoggerAndMessage() {
        String line = new OneLineFormatter().format(record(Level.INFO, "listening on {0}", null, "127.0.0.1:7700"));
        assertThat(line).isEqualTo("2026-01-31T12:00:00.123Z INFO  Brain: listening on 127.0.0.1:7700"
                + System.lineSeparator());
    }

    @Test
    void textKeepsAnExceptionOnTheSameLine() {
        String line = new OneLineFormatter().format(record(Level.WARNING, "job failed\nretrying", FAILURE));
        assertThat(line.strip().lines()).hasSize(1);
        assertThat(line).startsWith("2026-01-31T12:00:00.123Z WARN  Brain: job failed\\nretrying | ")
                .contains("java.lang.IllegalStateException: outer\\nsecond line")
                .contains("caused by java.io.IOException: disk full")
                .contains("(at dev.z4j.brain.ops.LogFormatTest");
    }

    @Test
    void levelsAreTheNamesLogShippersKnow() {
        OneLineFormatter f = new OneLineFormatter();
        assertThat(f.format(record(Level.SEVERE, "x", null))).contains(" ERROR ");
        assertThat(f.format(record(Level.FINE, "x", null))).contains(" DEBUG ");
        assertThat(f.format(record(Level.FINEST, "x", null))).contains(" TRACE ");
    }

    @Test
    void jsonIsOneParseableObjectPerLineWithTheFullStack() throws Exception {
        String line = new JsonLineFormatter().format(record(Level.WARNING, "bad \"value\" \u0001 {0}", FAILURE,
                "\uD83D\uDE80 \uD800"));
        assertThat(line.strip().lines()).hasSize(1);
        JsonNode n = JSON.readTree(line);
        assertThat(n.path("time").asText()).isEqualTo("2026-01-31T12:00:00.123Z");
        assertThat(n.path("level").asText()).isEqualTo("WARN");
        assertThat(n.path("logger").asText()).isEqualTo("dev.z4j.brain.ops.Brain");
        assertThat(n.path("thread").asText()).isNotEmpty();
        assertThat(n.path("message").asText()).isEqualTo("bad \"value\" \u0001 \uD83D\uDE80 \uD800");
        assertThat(line).contains("\\u0001").contains("\\ud800"); // escaped: the line stays valid UTF-8
        assertThat(n.path("exception").asText()).contains("IllegalStateException").contains("disk full");
        assertThat(n.path("stack").asText()).contains("at dev.z4j.brain.ops.LogFormatTest").contains("Caused by");
    }

    @Test
    void badSettingsNameTheVariable() {
        assertThatThrownBy(() -> LogSetup.fromEnv(Map.of("Z4J_LOG_FORMAT", "xml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Z4J_LOG_FORMAT");
        assertThatThrownBy(() -> LogSetup.fromEnv(Map.of("Z4J_LOG_LEVEL", "loud")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Z4J_LOG_LEVEL");
        assertThat(LogSetup.fromEnv(Map.of("Z4J_LOG_FORMAT", "JSON")).formatter()).isInstanceOf(JsonLineFormatter.class);
        assertThat(LogSetup.fromEnv(Map.of()).level()).isEqualTo(Level.INFO);
    }
}
