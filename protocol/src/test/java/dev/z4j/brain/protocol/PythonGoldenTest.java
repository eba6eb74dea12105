package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks against CPython itself: {@code golden/generate.py} (run once with CPython 3.11,
 * output committed) rendered ~22k doubles with {@code repr} and 400 random documents with
 * {@code json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)}.
 */
class PythonGoldenTest {

    private static List<String[]> lines(String resource) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                PythonGoldenTest.class.getResourceAsStream(resource), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line.split(" "));
            }
        }
        return out;
    }

    @Test
    void floatReprMatchesCPythonOnEveryGoldenDouble() throws IOException {
        List<String[]> cases = lines("/golden/floats.txt");
        assertThat(cases).hasSizeGreaterThan(20_000);
        List<String> mismatches = new ArrayList<>();
        for (String[] c : cases) {
            double x = Double.longBitsToDouble(Long.parseUnsignedLong(c[0], 16));
            String ours = PyFloat.repr(x);
            if (!ours.equals(c[1])) {
                mismatches.add(c[0] + " python=" + c[1] + " ours=" + ours);
            }
            // A float token re-parses to the same double and canonicalises to the same text.
            assertThat(JsonWriter.canonical(Json.parse(c[1].getBytes(StandardCharsets.US_ASCII))))
                    .asString(StandardCharsets.US_ASCII).isEqualTo(c[1]);
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void canonicalJsonMatchesCPythonOnRandomDocuments() throws IOException {
        List<String[]> cases = lines("/golden/canonical.txt");
        assertThat(cases).hasSize(400);
        for (String[] c : cases) {
            byte[] pretty = Base64.getDecoder().decode(c[0]);
            byte[] expected = Base64.getDecoder().decode(c[1]);
            byte[] ours = JsonWriter.canonical(Json.parse(pretty));
            assertThat(new String(ours, StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(ours).isEqualTo(expected);
        }
    }

    @Test
    void protocolSpecFloatTable() {
        String[][] table = {
            {"0", "0"}, {"-0", "0"}, {"0.0", "0.0"}, {"-0.0", "-0.0"}, {"1.50", "1.5"}, {"1E+2", "100.0"},
            {"1e16", "1e+16"}, {"1e15", "1000000000000000.0"}, {"1e-05", "1e-05"}, {"0.0001", "0.0001"},
            {"2.5e-7", "2.5e-07"}, {"-1.5E-10", "-1.5e-10"}, {"12345678901234567.0", "1.2345678901234568e+16"},
            {"1234567890123456.7", "1234567890123456.8"}, {"9007199254740993", "9007199254740993"},
            {"9007199254740993.0", "9007199254740992.0"}, {"0.30000000000000004", "0.30000000000000004"},
            {"123456789012345678901234567890", "123456789012345678901234567890"}, {"5e-324", "5e-324"},
            {"1.7976931348623157e308", "1.7976931348623157e+308"}, {"6.02214076e23", "6.02214076e+23"},
        };
        for (String[] row : table) {
            assertThat(new String(JsonWriter.canonical(Json.parse(row[0].getBytes(StandardCharsets.US_ASCII))),
                    StandardCharsets.US_ASCII)).as(row[0]).isEqualTo(row[1]);
        }
    }
}
