package dev.z4j.brain.ingress.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a new password must be: at least {@code minLength} (and at most 256) characters; shorter
 * than 16 it needs three of lowercase, uppercase, digit, symbol; never one of the common passwords
 * bundled in {@code common-passwords.txt}. Login itself accepts any 1..256 characters.
 */
public final class PasswordPolicy {
    public static final int MAX_LENGTH = 256;
    static final int LONG_ENOUGH = 16;
    static final List<String> CLASSES = List.of("lowercase", "uppercase", "digit", "symbol");
    private static final Set<String> COMMON = load();

    private final int minLength;

    public PasswordPolicy(int minLength) {
        this.minLength = minLength;
    }

    public int minLength() {
        return minLength;
    }

    /** Null when acceptable, else why not (for a 422 naming {@code field}). */
    public String problem(String password) {
        if (password == null) {
            return "is required";
        }
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            return "must be at least " + minLength + " characters";
        }
        if (length > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (length < LONG_ENOUGH && classes(password) < 3) {
            return "needs at least 3 of: lowercase, uppercase, digit, symbol (or " + LONG_ENOUGH + "+ characters)";
        }
        if (COMMON.contains(password.toLowerCase(Locale.ROOT))) {
            return "is a commonly used password";
        }
        return null;
    }

    static int classes(String s) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean symbol = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLowerCase(c)) {
                lower = true;
            } else if (Character.isUpperCase(c)) {
                upper = true;
            } else if (Character.isDigit(c)) {
                digit = true;
            } else {
                symbol = true;
            }
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt missing from the ingress jar");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String w = line.strip();
                if (!w.isEmpty() && !w.startsWith("#")) {
                    words.add(w.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read common-passwords.txt", e);
        }
        return Set.copyOf(words);
    }
}
