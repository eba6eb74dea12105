package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.Hex;
import dev.z4j.brain.protocol.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Mints the secrets operators and agents hold; only their hashes reach the database. */
public final class Credentials {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ADMIN_SALT = "z4j-admin-key-v1".getBytes(StandardCharsets.US_ASCII);

    private Credentials() {}

    /** Like Python's {@code secrets.token_urlsafe(32)}: 43 chars of [A-Za-z0-9_-]. */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Admin API keys carry a recognisable prefix so they are easy to spot in logs and vaults. */
    public static String newAdminKey() {
        return "z4j_admin_" + newToken();
    }

    /** HMAC-SHA256(master || "z4j-admin-key-v1", key) as hex: what admin_keys.key_hash stores. */
    public static String adminKeyHash(byte[] master, String key) {
        byte[] k = new byte[master.length + ADMIN_SALT.length];
        System.arraycopy(master, 0, k, 0, master.length);
        System.arraycopy(ADMIN_SALT, 0, k, master.length, ADMIN_SALT.length);
        return Hex.encode(Secrets.hmacSha256(k, key.getBytes(StandardCharsets.UTF_8)));
    }
}
