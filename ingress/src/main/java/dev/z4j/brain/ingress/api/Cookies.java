package dev.z4j.brain.ingress.api;

import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The two browser cookies: the session (HttpOnly) and the CSRF token (readable by the page, which
 * echoes it in {@code X-CSRF-Token}). Production names carry the {@code __Host-} prefix and Secure;
 * {@code Z4J_ENVIRONMENT=dev} drops both so plain {@code http://localhost} works.
 */
final class Cookies {
    private final OperatorConfig config;

    Cookies(OperatorConfig config) {
        this.config = config;
    }

    void set(ServerResponse res, String sessionValue, String csrf, Duration maxAge) {
        res.headers().addCookie(SetCookie.builder(config.sessionCookie(), sessionValue)
                .path("/").httpOnly(true).secure(!config.dev()).maxAge(maxAge)
                .sameSite(config.sameSite().equals("strict") ? SetCookie.SameSite.STRICT : SetCookie.SameSite.LAX)
                .build());
        res.headers().addCookie(SetCookie.builder(config.csrfCookie(), csrf)
                .path("/").httpOnly(false).secure(!config.dev()).maxAge(maxAge).sameSite(SetCookie.SameSite.STRICT)
                .build());
    }

    void clear(ServerResponse res) {
        for (String name : new String[] {config.sessionCookie(), config.csrfCookie()}) {
            res.headers().addCookie(SetCookie.builder(name, "").path("/").secure(!config.dev())
                    .httpOnly(name.equals(config.sessionCookie())).maxAge(Duration.ZERO).build());
        }
    }

    /** The session cookie's value from a Cookie header, if any. */
    Optional<String> session(io.helidon.http.Headers headers) {
        io.helidon.http.ServerRequestHeaders h = headers instanceof io.helidon.http.ServerRequestHeaders s
                ? s : io.helidon.http.ServerRequestHeaders.create(headers);
        var cookies = h.cookies();
        return cookies.contains(config.sessionCookie())
                ? Optional.of(cookies.get(config.sessionCookie())).filter(v -> !v.isEmpty())
                : Optional.empty();
    }
}
