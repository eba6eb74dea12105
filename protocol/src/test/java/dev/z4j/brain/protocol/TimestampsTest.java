package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser of the common timestamp shapes must answer exactly what the formatter
 * answers, and leave every other text to it.
 */
class TimestampsTest {

    @Property(tries = 3000)
    void theCommonShapesParseAsTheFormatterParsesThem(@ForAll("timestamps") String text) {
        for (boolean naiveIsUtc : new boolean[] {true, false}) {
            Instant fast = Timestamps.parseCommon(text, naiveIsUtc);
            Object slow = formatted(text, naiveIsUtc);
            if (fast != null) {
                assertThat(fast).as(text).isEqualTo(slow);
            }
        }
    }

    @Property(tries = 3000)
    void anyOtherTextIsLeftToTheFormatterOrParsedTheSame(@ForAll("nearTimestamps") String text) {
        for (boolean naiveIsUtc : new boolean[] {true, false}) {
            Instant fast = Timestamps.parseCommon(text, naiveIsUtc);
            if (fast != null) {
                assertThat(formatted(text, naiveIsUtc)).as(text).isEqualTo(fast);
            }
        }
    }

    @Test
    void whatAgentsSendTakesTheFastPath() {
        assertThat(Timestamps.parseCommon("2026-12-01T02:12:29.123456+00:00", false))
                .isEqualTo(Instant.parse("2026-12-01T02:12:29.123456Z"));
        assertThat(Timestamps.parseCommon("2026-12-01T02:12:29Z", false)).isEqualTo(Instant.parse("2026-12-01T02:12:29Z"));
        assertThat(Timestamps.parseCommon("2026-12-01 02:12:29.5-05:30", false))
                .isEqualTo(Instant.parse("2026-12-01T07:42:29.500Z"));
        assertThat(Timestamps.parseCommon("2026-12-01T02:12:29.123456", true))
                .isEqualTo(Instant.parse("2026-12-01T02:12:29.123456Z"));
        assertThat(Timestamps.parseCommon("2026-12-01T02:12:29.123456", false)).as("naive, must be aware").isNull();
        assertThat(Timestamps.parseCommon("2024-02-30T00:00:00Z", true)).as("no such day").isNull();
        assertThat(Timestamps.parseCommon("2026-12-01T24:00:00Z", true)).as("left to the formatter").isNull();
        assertThat(Timestamps.parseAssumingUtc("2024-02-29T23:59:59.999999999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999999999Z"));
    }

    /** The formatter's answer: an Instant, or the class of what it threw. */
    private static Object formatted(String text, boolean naiveIsUtc) {
        try {
            return Timestamps.parseFormatted(text, naiveIsUtc);
        } catch (java.time.DateTimeException e) {
            return e.getClass();
        }
    }

    @Provide
    Arbitrary<String> timestamps() {
        Arbitrary<String> date = Combinators.combine(Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 31))
                .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
        Arbitrary<String> time = Combinators.combine(Arbitraries.integers().between(0, 23),
                Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59))
                .as((h, m, s) -> String.format("%02d:%02d:%02d", h, m, s));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9).map(f -> "." + f));
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.of("", "Z", "+00:00", "-00:00"),
                Combinators.combine(Arbitraries.of("+", "-"), Arbitraries.integers().between(0, 18),
                        Arbitraries.integers().between(0, 59)).as((sign, h, m) -> String.format("%s%02d:%02d", sign, h, m)));
        return Combinators.combine(date, Arbitraries.of("T", " "), time, fraction, offset)
                .as((d, sep, t, f, o) -> d + sep + t + f + o);
    }

    /** Timestamps with one character changed, dropped or added: the parsers must still agree. */
    @Provide
    Arbitrary<String> nearTimestamps() {
        return Combinators.combine(timestamps(), Arbitraries.integers().between(0, 40),
                Arbitraries.of('0', '9', ':', '-', '+', '.', 'T', ' ', 'Z', 'z', 'x', '\u0661'),
                Arbitraries.integers().between(0, 2))
                .as((t, at, c, how) -> {
                    int i = Math.min(at, t.length());
                    return switch (how) {
                        case 0 -> i < t.length() ? t.substring(0, i) + c + t.substring(i + 1) : t + c;
                        case 1 -> i < t.length() ? t.substring(0, i) + t.substring(i + 1) : t;
                        default -> t.substring(0, i) + c + t.substring(i);
                    };
                });
    }
}
