package dev.z4j.brain.store;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class FieldCapsTest {
    private static final String EMOJI = "\uD83D\uDE00";

    @Example
    void capsCountCharactersAsTheDatabasesDoNotUtf16Units() {
        assertThat(FieldCaps.fits(EMOJI.repeat(200), 200)).isTrue();
        assertThat(FieldCaps.fits(EMOJI.repeat(201), 200)).isFalse();
        assertThat(FieldCaps.cut("ab" + EMOJI + "cd", 3)).isEqualTo("ab" + EMOJI);
        assertThat(FieldCaps.cut("abc" + EMOJI, 3)).isEqualTo("abc");
        assertThat(FieldCaps.cut(null, 3)).isNull();
        assertThat(FieldCaps.reference("")).isNull();
        assertThat(FieldCaps.reference(EMOJI.repeat(200))).isEqualTo(EMOJI.repeat(200));
        assertThat(FieldCaps.reference("q".repeat(201))).isNull();
    }

    @Provide
    Arbitrary<String> text() {
        // Mostly astral characters and lone surrogates, so every cut position meets a pair.
        Arbitrary<String> piece = Arbitraries.of("a", EMOJI, "\uD83D", "\uDE00", "\u00e9", "\u4e2d");
        return piece.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void aCutIsTheLongestPrefixThatFitsAndNeverSplitsAPair(@ForAll("text") String s,
                                                            @ForAll @IntRange(min = 1, max = 30) int max) {
        String cut = FieldCaps.cut(s, max);
        assertThat(s).startsWith(cut);
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(Math.min(max, s.codePointCount(0, s.length())));
        if (cut.length() < s.length()) {
            // the next character starts a new code point: nothing was cut in half
            assertThat(Character.isLowSurrogate(s.charAt(cut.length()))
                    && Character.isHighSurrogate(s.charAt(cut.length() - 1))).isFalse();
        }
        assertThat(FieldCaps.fits(s, max)).isEqualTo(cut.equals(s));
    }
}
