package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.Sessions;
import dev.z4j.brain.store.StoreException;
import java.time.Duration;

/** Starts a browser session: a server-side row (hash of the cookie value) and the two cookies. */
final class SessionIssuer {
    private final Sessions sessions;
    private final Tokens tokens;
    private final OperatorConfig config;
    private final Cookies cookies;

    SessionIssuer(Sessions sessions, Tokens tokens, OperatorConfig config) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.config = config;
        this.cookies = new Cookies(config);
    }

    Sessions.Session issue(Call call, Accounts.User user, boolean rememberMe) throws StoreException {
        String value = Tokens.random();
        String csrf = Tokens.random();
        Duration lifetime = rememberMe ? config.rememberLifetime() : config.sessionLifetime();
        Sessions.Session s = sessions.create(new Sessions.NewSession(user.id(), tokens.sessionHash(value), csrf,
                rememberMe, call.now.plus(lifetime), call.ip, call.userAgent()), call.now);
        cookies.set(call.response, value, csrf, lifetime);
        return s;
    }

    void clear(Call call) {
        cookies.clear(call.response);
    }
}
