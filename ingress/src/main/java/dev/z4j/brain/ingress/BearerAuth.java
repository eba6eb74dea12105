package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Agent bearer authentication (docs/PROTOCOL.md 1.2): strip, split once on whitespace, scheme
 * "bearer" case-insensitively, then look the HMAC hash up under the current secret and each
 * previous one; the first match wins. Revoked agents do not authenticate.
 */
public final class BearerAuth {
    private final Directory directory;
    private final List<byte[]> secrets = new ArrayList<>();

    public BearerAuth(Directory directory, byte[] masterSecret, List<byte[]> previousSecrets) {
        this.directory = directory;
        secrets.add(masterSecret);
        secrets.addAll(previousSecrets);
    }

    /** The outcome: an agent, or the bounded reason it was refused. */
    public record Result(Directory.Agent agent, String failure) {
        static Result ok(Directory.Agent a) {
            return new Result(a, null);
        }

        static Result fail(String reason) {
            return new Result(null, reason);
        }
    }

    public Result authenticate(Optional<String> header) {
        String token = parseToken(header.orElse(null));
        if (token == null) {
            return Result.fail(header.isPresent() ? "malformed" : "missing");
        }
        try {
            for (byte[] secret : secrets) {
                Optional<Directory.Agent> agent = directory.agentByTokenHash(Secrets.tokenHash(secret, token));
                if (agent.isPresent()) {
                    return agent.get().revoked() ? Result.fail("revoked") : Result.ok(agent.get());
                }
            }
            return Result.fail("unknown");
        } catch (StoreException e) {
            return Result.fail("store_unavailable");
        }
    }

    /** @return the token, or null when the header is not {@code Bearer <token>} */
    static String parseToken(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer")) {
            return null;
        }
        String token = parts[1].strip();
        return token.isEmpty() ? null : token;
    }
}
