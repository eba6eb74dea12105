package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.Sessions;
import java.util.UUID;

/**
 * Who is calling: a session (browser), an API key (script) or nobody. A key acts as its owner; an
 * ownerless installation key (printed on first start) acts as a global admin without a user.
 */
public record Caller(Kind kind, Accounts.User user, Sessions.Session session, ApiKeys.ApiKey key) {

    public enum Kind { ANONYMOUS, SESSION, API_KEY }

    public static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, null, null, null);

    public boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }

    public boolean viaKey() {
        return kind == Kind.API_KEY;
    }

    public boolean globalAdmin() {
        return user != null ? user.admin() : kind == Kind.API_KEY;
    }

    public UUID userId() {
        return user == null ? null : user.id();
    }

    public UUID keyId() {
        return key == null ? null : key.id();
    }
}
