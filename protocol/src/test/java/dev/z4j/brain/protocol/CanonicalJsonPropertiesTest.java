package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the parser and canonical writer over thousands of generated inputs. */
class CanonicalJsonPropertiesTest {

    @Property(tries = 3000)
    void canonicalIsAFixedPoint(@ForAll("jsonValues") Object value) {
        byte[] once = JsonWriter.canonical(value);
        byte[] twice = JsonWriter.canonical(Json.parse(once));
        assertThat(twice).isEqualTo(once);
        // The wire form (insertion order) parses back to the same canonical bytes too.
        assertThat(JsonWriter.canonical(Json.parse(JsonWriter.wire(value)))).isEqualTo(once);
    }

    /**
     * Strings against the plain rule, independent of the writer's fast path for a leading ASCII
     * run: Python's escapes (ensure_ascii=False), every other character raw UTF-8, a lone
     * surrogate an error; escapes, '?' and other characters amid ASCII, at any position.
     */
    @Property(tries = 5000)
    void stringsAreWrittenAsPythonWritesThem(@ForAll("mostlyAsciiStrings") String s) {
        if (hasLoneSurrogate(s)) {
            assertThatThrownBy(() -> JsonWriter.canonical(s)).isInstanceOf(ProtocolException.class);
            return;
        }
        assertThat(new String(JsonWriter.canonical(s), StandardCharsets.UTF_8)).isEqualTo(pythonDumps(s));
    }

    @Provide
    Arbitrary<String> mostlyAsciiStrings() {
        return Arbitraries.strings().withCharRange(' ', '~')
                .withChars('"', '\\', '?', '\n', '\t', '\u0001', '\u001f', '\u007f', 'é', '中', '\ud83d', '\ude80')
                .ofMaxLength(40);
    }

    private static String pythonDumps(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 5000)
    void floatsRoundTripThroughTheirPythonRepr(@ForAll double x) {
        if (!Double.isFinite(x)) {
            assertThatThrownBy(() -> PyFloat.repr(x)).isInstanceOf(ProtocolException.class);
            return;
        }
        String repr = PyFloat.repr(x);
        assertThat(Double.parseDouble(repr)).isEqualTo(x);
        assertThat(repr).matches("-?(\\d+\\.\\d+|\\d(\\.\\d+)?e[+-]\\d{2,3})");
        // Python repr never shows a mantissa longer than 17 significant digits.
        assertThat(repr.replaceAll("e.*", "").replaceAll("[^0-9]", "").replaceFirst("^0+", "").length())
                .isLessThanOrEqualTo(18);
    }

    @Property(tries = 3000)
    void parserOnlyEverThrowsItsOwnTypedError(@ForAll("garbage") byte[] input) {
        try {
            Json.parse(input);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(ProtocolException.Reason.MALFORMED, ProtocolException.Reason.TOO_COMPLEX);
        }
    }

    @Property(tries = 2000)
    void verifierOnlyEverThrowsItsOwnTypedError(@ForAll("frameLikeGarbage") byte[] input) {
        FrameVerifier v = new FrameVerifier(new byte[32], new SessionBinding("a", "p", "s"),
                ReplayGuard.systemClock());
        try {
            v.verify(input);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void nestingBeyondTheCapIsRefused(@ForAll @IntRange(min = 1, max = 5000) int depth) {
        String json = "[".repeat(depth) + "]".repeat(depth);
        if (depth <= Json.MAX_DEPTH) {
            assertThat(Json.parse(json.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(List.class);
        } else {
            assertThatThrownBy(() -> Json.parse(json.getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TOO_COMPLEX))
                    .hasMessageContaining("nesting");
        }
    }

    @Property(tries = 300)
    void hugeIntegersStayExactAndHugeNumbersAreTyped(@ForAll @IntRange(min = 1, max = 5000) int digits) {
        String n = "9".repeat(digits);
        byte[] bytes = n.getBytes(StandardCharsets.US_ASCII);
        if (digits <= Json.MAX_NUMBER_DIGITS) { // what Python's json reads and writes
            assertThat(new String(JsonWriter.canonical(Json.parse(bytes)), StandardCharsets.US_ASCII)).isEqualTo(n);
        } else {
            assertThatThrownBy(() -> Json.parse(bytes)).isInstanceOfSatisfying(ProtocolException.class,
                    e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TOO_COMPLEX));
        }
        assertThatThrownBy(() -> Json.parse(("1e999" + n).getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProtocolException.class);
    }

    @Property(tries = 1000)
    void keysSortByCodePoint(@ForAll("keys") List<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, 1L);
        }
        String canonical = new String(JsonWriter.canonical(m), StandardCharsets.UTF_8);
        List<String> sorted = new ArrayList<>(m.keySet());
        sorted.sort((a, b) -> {
            int[] x = a.codePoints().toArray();
            int[] y = b.codePoints().toArray();
            return java.util.Arrays.compare(x, y);
        });
        int pos = -1;
        for (String k : sorted) {
            int at = canonical.indexOf(new String(JsonWriter.canonical(k), StandardCharsets.UTF_8) + ":", pos + 1);
            assertThat(at).isGreaterThan(pos);
            pos = at;
        }
    }

    @Provide
    Arbitrary<List<String>> keys() {
        Arbitrary<String> key = Arbitraries.strings()
                .withChars('a', 'B', 'é', '\uffff', '\uff21', '\ue000')
                .withCharRange('\u0000', '\u007f')
                .ofMaxLength(4)
                .map(s -> s.length() % 3 == 0 ? s + "😀" : s);
        return key.list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        return value(4);
    }

    private Arbitrary<Object> value(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(CanonicalJsonPropertiesTest::dropLoneSurrogates),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                        .map(b -> b.bitLength() < 64 ? (Object) b.longValue() : b),
                Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE),
                Arbitraries.just(null));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> lists = value(depth - 1).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(
                        Arbitraries.strings().ofMaxLength(6).map(CanonicalJsonPropertiesTest::dropLoneSurrogates),
                        value(depth - 1))
                .ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, scalars), net.jqwik.api.Tuple.of(2, lists), net.jqwik.api.Tuple.of(2, maps));
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> jsonish = Arbitraries.strings()
                .withChars('{', '}', '[', ']', '"', ':', ',', '\\', 'u', 'd', '8', '0', 'e', '-', '+', '.', '1', 't',
                        'r', 'n', 'l', 'f', 'a', ' ', 'N', 'I')
                .ofMaxLength(40)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(random, jsonish);
    }

    @Provide
    Arbitrary<byte[]> frameLikeGarbage() {
        Arbitrary<String> type = Arbitraries.of("hello", "hello_ack", "event_batch", "heartbeat", "command", "x", "");
        Arbitrary<String> field = Arbitraries.of(
                "\"v\":2", "\"v\":1", "\"v\":\"2\"", "\"id\":\"x\"", "\"id\":1", "\"ts\":\"2026-01-01T00:00:00Z\"",
                "\"ts\":\"junk\"", "\"ts\":null", "\"seq\":1", "\"seq\":-5", "\"seq\":1.5", "\"nonce\":\"n\"",
                "\"nonce\":7", "\"hmac\":\"" + "a".repeat(64) + "\"", "\"hmac\":\"\"", "\"payload\":{}",
                "\"payload\":[]", "\"payload\":{\"events\":[1]}", "\"payload\":{\"events\":\"x\"}",
                "\"payload\":{\"protocol_version\":\"2\",\"framework\":\"bare\"}", "\"payload\":null");
        return Arbitraries.oneOf(
                type.flatMap(t -> field.list().ofMaxSize(8).map(fs -> {
                    StringBuilder sb = new StringBuilder("{\"type\":\"").append(t).append('"');
                    for (String f : fs) {
                        sb.append(',').append(f);
                    }
                    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
                })),
                garbage());
    }

    private static String dropLoneSurrogates(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
