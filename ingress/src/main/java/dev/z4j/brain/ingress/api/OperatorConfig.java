package dev.z4j.brain.ingress.api;

import java.time.Duration;
import java.util.List;

/**
 * The operator-side settings (read and validated from {@code Z4J_*} by the ops module).
 *
 * @param dev                  {@code Z4J_ENVIRONMENT=dev}: plain-HTTP cookie names without Secure; sockets without Origin
 * @param sameSite             {@code lax} or {@code strict} for the session cookie
 * @param publicUrl            the origin browsers use (scheme://host[:port]); null = none configured
 * @param extraOrigins         further allowed browser origins (CORS-style list)
 * @param trustForwardedFor    take the client address from the last X-Forwarded-For hop (behind our proxy)
 */
public record OperatorConfig(
        boolean dev,
        String sameSite,
        Duration sessionLifetime,
        Duration rememberLifetime,
        Duration idleTimeout,
        int lockoutThreshold,
        Duration lockoutDuration,
        Duration loginMinDuration,
        Duration loginBackoffCap,
        int passwordMinLength,
        Passwords.Params argon2,
        String publicUrl,
        List<String> extraOrigins,
        boolean trustForwardedFor,
        Duration setupTokenTtl) {

    /** The original brain's numbers. */
    public static OperatorConfig defaults() {
        return new OperatorConfig(false, "lax", Duration.ofDays(7), Duration.ofDays(30), Duration.ofMinutes(30), 10,
                Duration.ofMinutes(15), Duration.ofMillis(300), Duration.ofSeconds(5), 12, Passwords.Params.DEFAULT,
                null, List.of(), false, Duration.ofMinutes(15));
    }

    public String sessionCookie() {
        return dev ? "z4j_session" : "__Host-z4j_session";
    }

    public String csrfCookie() {
        return dev ? "z4j_csrf" : "__Host-z4j_csrf";
    }
}
