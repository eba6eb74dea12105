package dev.z4j.brain.ingress.api;

import dev.z4j.brain.protocol.Hex;
import dev.z4j.brain.protocol.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secrets operators hold (session cookies, CSRF tokens, API keys, the setup token) and the
 * keyed hashes the database keeps instead: HMAC-SHA256 with the master secret and a salt per kind,
 * so a copy of the database neither logs anyone in nor is usable against another installation.
 */
public final class Tokens {
    public static final String KEY_PREFIX = "z4k_";
    /** Keys of earlier versions ({@code admin-keys create} before personal keys existed). */
    public static final String LEGACY_ADMIN_PREFIX = "z4j_admin_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] master;

    public Tokens(byte[] master) {
        this.master = master.clone();
    }

    /** 32 random bytes, url-safe base64 without padding (43 characters). */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String newApiKey() {
        return KEY_PREFIX + random();
    }

    public String sessionHash(String cookieValue) {
        return hmac("z4j-session-v1", cookieValue);
    }

    public String setupHash(String token) {
        return hmac("z4j-setup-token-v1", token);
    }

    /** Null for a token that is not an API key of either kind (it is then no credential at all). */
    public String apiKeyHash(String token) {
        if (token.startsWith(KEY_PREFIX)) {
            return hmac("z4j-api-key-v1", token);
        }
        if (token.startsWith(LEGACY_ADMIN_PREFIX)) {
            return hmac("z4j-admin-key-v1", token);
        }
        return null;
    }

    public static boolean sameSecret(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private String hmac(String salt, String value) {
        byte[] s = salt.getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[master.length + s.length];
        System.arraycopy(master, 0, key, 0, master.length);
        System.arraycopy(s, 0, key, master.length, s.length);
        return Hex.encode(Secrets.hmacSha256(key, value.getBytes(StandardCharsets.UTF_8)));
    }
}
