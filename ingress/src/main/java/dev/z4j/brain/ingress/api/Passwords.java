package dev.z4j.brain.ingress.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=65536,t=3,p=4$salt$hash}), the
 * format and defaults of argon2-cffi, so hashes move between the original brain and this one.
 * Bouncy Castle computes Argon2 (a maintained, widely audited library, pure Java: no native code).
 */
public final class Passwords {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    /** time cost (iterations), memory in KiB, lanes. */
    public record Params(int timeCost, int memoryKib, int parallelism) {
        public static final Params DEFAULT = new Params(3, 65_536, 4);
    }

    private final Params params;
    private final SecureRandom random = new SecureRandom();
    /** Verified against for unknown emails, so they cost the same time as known ones. */
    private final String dummy;

    public Passwords(Params params) {
        this.params = params;
        this.dummy = hash("z4j-dummy-password-for-timing");
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, params.timeCost(), params.memoryKib(), params.parallelism(), HASH_BYTES);
        return "$argon2id$v=19$m=" + params.memoryKib() + ",t=" + params.timeCost() + ",p=" + params.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Constant-time comparison; a hash that is not argon2id PHC never matches. */
    public boolean verify(String password, String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return false;
        }
        try {
            byte[] salt = B64D.decode(m.group(4));
            byte[] expected = B64D.decode(m.group(5));
            byte[] actual = derive(password, salt, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(3)), expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Spends a verification's time for a login whose email is unknown. */
    public void verifyDummy(String password) {
        verify(password, dummy);
    }

    /** True when {@code phc} was made with other parameters than the configured ones. */
    public boolean needsRehash(String phc) {
        Matcher m = PHC.matcher(phc);
        return !m.matches() || Integer.parseInt(m.group(1)) != params.memoryKib()
                || Integer.parseInt(m.group(2)) != params.timeCost() || Integer.parseInt(m.group(3)) != params.parallelism();
    }

    private static byte[] derive(String password, byte[] salt, int t, int m, int p, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(t)
                .withMemoryAsKB(m)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
