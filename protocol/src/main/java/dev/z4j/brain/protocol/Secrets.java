package dev.z4j.brain.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Secret derivations of docs/PROTOCOL.md 1.2 and 1.3. */
public final class Secrets {
    public static final int MIN_MASTER_SECRET_BYTES = 32;
    private static final byte[] PROJECT_LABEL = "z4j-project-secret-v1:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOKEN_SALT = "z4j-agent-token-v1".getBytes(StandardCharsets.US_ASCII);

    private Secrets() {}

    /** HMAC-SHA256(master, "z4j-project-secret-v1:" || project_uuid.bytes_le): 32 bytes. */
    public static byte[] projectSecret(byte[] masterUtf8, UUID projectId) {
        ByteBuffer msg = ByteBuffer.allocate(PROJECT_LABEL.length + 16);
        msg.put(PROJECT_LABEL).put(uuidBytesLe(projectId));
        return hmacSha256(masterUtf8, msg.array());
    }

    /** Lower-case hex HMAC-SHA256(master || "z4j-agent-token-v1", token): what agents.token_hash stores. */
    public static String tokenHash(byte[] masterUtf8, String token) {
        byte[] key = new byte[masterUtf8.length + TOKEN_SALT.length];
        System.arraycopy(masterUtf8, 0, key, 0, masterUtf8.length);
        System.arraycopy(TOKEN_SALT, 0, key, masterUtf8.length, TOKEN_SALT.length);
        return Hex.encode(hmacSha256(key, token.getBytes(StandardCharsets.UTF_8)));
    }

    /** The agent's {@code hmac_secret} setting: urlsafe base64 with '=' padding (44 chars). */
    public static String agentHmacSecret(byte[] projectSecret) {
        return Base64.getUrlEncoder().encodeToString(projectSecret);
    }

    /** Decodes an agent {@code hmac_secret} the way the agent does: urlsafe, padding optional. */
    public static byte[] decodeAgentHmacSecret(String configured) {
        String s = configured.strip();
        while (s.length() % 4 != 0) {
            s += "=";
        }
        return Base64.getUrlDecoder().decode(s);
    }

    /** Microsoft GUID order: first three groups byte-swapped, last eight bytes unchanged. */
    public static byte[] uuidBytesLe(UUID id) {
        ByteBuffer be = ByteBuffer.allocate(16);
        be.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        byte[] b = be.array();
        return new byte[] {
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
            b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
    }

    public static byte[] hmacSha256(byte[] key, byte[] message) {
        Mac mac = newMac(key);
        return mac.doFinal(message);
    }

    static Mac newMac(byte[] key) {
        try {
            Mac mac = (Mac) HMAC_SHA256.clone();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it, cloneable
        }
    }

    // Mac.getInstance finds the algorithm through Provider.getService, which caches the last lookup in
    // a ThreadLocal: on an agent socket's virtual thread, a ThreadLocalMap kept for the socket's life.
    // Clones of one Mac whose provider is already chosen never look anything up.
    private static final Mac HMAC_SHA256 = prototype();

    private static Mac prototype() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.getMacLength(); // chooses the provider now, so clones share the choice
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
