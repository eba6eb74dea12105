package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * COPY text fields against the format's own rule: what PostgreSQL's COPY reads back from the
 * bytes (four backslash escapes, UTF-8) is the string, an unpaired surrogate as '?', and no raw
 * tab, newline or carriage return ever reaches the stream (they separate fields and rows).
 */
class CopyTextPropertiesTest {

    @Property(tries = 5000)
    void aTextFieldReadsBackAsTheStringItWasMadeFrom(@ForAll("texts") String s) {
        CopyBuffer buffer = new CopyBuffer(8);
        buffer.text("first").text(s).endRow();
        String row = new String(buffer.bytes(), 0, buffer.length(), StandardCharsets.ISO_8859_1);
        assertThat(row).startsWith("first\t").endsWith("\n");
        byte[] field = java.util.Arrays.copyOfRange(buffer.bytes(), "first\t".length(), buffer.length() - 1);

        assertThat(read(field)).isEqualTo(withUnpairedSurrogatesAsQuestionMarks(s));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~')
                .withChars('\\', '\t', '\n', '\r', '\u0001', 'é', '\u07ff', '\u0800', '中', '\ud83d', '\ude80', '?')
                .ofMaxLength(60);
    }

    /** COPY text format: backslash escapes undone, raw separators refused, then UTF-8. */
    private static String read(byte[] field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < field.length; i++) {
            byte c = field[i];
            assertThat(c).as("raw separator at %d", i).isNotIn((byte) '\t', (byte) '\n', (byte) '\r');
            if (c == '\\') {
                byte e = field[++i];
                out.write(switch (e) {
                    case '\\' -> '\\';
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> throw new AssertionError("unexpected escape \\" + (char) e);
                });
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withUnpairedSurrogatesAsQuestionMarks(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '?' : c);
            }
        }
        return b.toString();
    }
}
