package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.Sessions;
import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /auth/*}: login (per-address throttle, per-account lockout, every answer held to a minimum
 * duration, unknown emails checked against a dummy hash), logout, the caller's profile with their
 * memberships, password change, sessions, and the password policy. Browser sessions only.
 */
public final class AuthRoutes {
    static final String INVALID = "invalid_credentials";

    private final Access access;
    private final Passwords passwords;
    private final PasswordPolicy policy;
    private final OperatorConfig config;
    private final SessionIssuer issuer;
    private final SlidingWindow throttle;
    private final LoginPacer pacer;
    private final Audit audit;

    AuthRoutes(Access access, Passwords passwords, PasswordPolicy policy, OperatorConfig config, SessionIssuer issuer,
               SlidingWindow throttle, LoginPacer pacer, Audit audit) {
        this.access = access;
        this.passwords = passwords;
        this.policy = policy;
        this.config = config;
        this.issuer = issuer;
        this.throttle = throttle;
        this.pacer = pacer;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/auth/login", Tag.AUTH, Need.NOBODY).noCsrf()
                        .summary("Sign in with email and password; sets the session and CSRF cookies")
                        .accepts(LoginRequest.class).returns(LoginResponse.class).handle(this::login),
                Route.post("/auth/logout", Tag.AUTH, Need.SIGNED_IN)
                        .summary("End this session and clear the cookies").handle(this::logout),
                Route.get("/auth/me", Tag.AUTH, Need.SIGNED_IN)
                        .summary("The signed-in user with project memberships (every active project for admins)")
                        .returns(UserMePublic.class).handle(this::me),
                Route.patch("/auth/me", Tag.AUTH, Need.SIGNED_IN)
                        .summary("Change the signed-in user's names or timezone")
                        .accepts(ProfilePatch.class).returns(UserMePublic.class).handle(this::patchMe),
                Route.post("/auth/change-password", Tag.AUTH, Need.SIGNED_IN)
                        .summary("Change the password; ends every session of the user and starts a fresh one")
                        .accepts(ChangePasswordRequest.class).returns(LoginResponse.class).handle(this::changePassword),
                Route.get("/auth/policy", Tag.AUTH, Need.NOBODY)
                        .summary("The password policy, for form hints").returns(PasswordPolicyPublic.class)
                        .handle(c -> new PasswordPolicyPublic(policy.minLength(), 3, PasswordPolicy.CLASSES)),
                Route.get("/auth/sessions", Tag.AUTH, Need.SIGNED_IN)
                        .summary("The user's live sessions").returns(Shape.listOf(SessionPublic.class))
                        .handle(this::sessions),
                Route.post("/auth/sessions/{session_id}/revoke", Tag.AUTH, Need.SIGNED_IN)
                        .summary("End one of the user's sessions").returns(Revoked.class).handle(this::revokeSession));
    }

    private Object login(Call call) throws ApiError, StoreException {
        Instant started = call.now;
        if (!throttle.tryHit(call.ip)) {
            throw ApiError.rateLimited("login");
        }
        LoginRequest body = call.body(LoginRequest.class);
        String email = Check.email("email", body.email());
        String password = Check.text("password", body.password(), 1, PasswordPolicy.MAX_LENGTH);
        Optional<Accounts.User> found = access.accounts().userByEmail(email);
        Duration backoff = Duration.ZERO;
        String reason;
        if (found.isEmpty()) {
            passwords.verifyDummy(password);
            reason = "unknown_email";
        } else {
            Accounts.User u = found.get();
            boolean matches = passwords.verify(password, u.passwordHash());
            boolean locked = u.lockedUntil() != null && call.now.isBefore(u.lockedUntil());
            if (matches && u.active() && !locked) {
                return succeed(call, u, password, Boolean.TRUE.equals(body.rememberMe()), started);
            }
            if (!u.active()) {
                reason = "inactive";
            } else if (locked) {
                reason = "locked";
            } else {
                int failures = access.accounts().loginFailed(u.id(), config.lockoutThreshold(),
                        call.now.plus(config.lockoutDuration()));
                backoff = pacer.backoff(failures);
                reason = failures >= config.lockoutThreshold() ? "locked_now" : "wrong_password";
            }
        }
        audit.record(null, found.map(Accounts.User::id).orElse(null), null, "auth.login", "user",
                found.map(Accounts.User::id).orElse(null), Audit.FAILURE, "deny",
                Map.of("reason", reason, "email", email), call.ip, call.userAgent(), call);
        pacer.hold(started, backoff);
        throw new ApiError(io.helidon.http.Status.UNAUTHORIZED_401, "unauthenticated", INVALID,
                ApiError.details("reason", INVALID));
    }

    private LoginResponse succeed(Call call, Accounts.User u, String password, boolean remember, Instant started)
            throws StoreException {
        access.accounts().loginSucceeded(u.id(), call.now);
        if (passwords.needsRehash(u.passwordHash())) {
            access.accounts().rehashPassword(u.id(), passwords.hash(password));
        }
        issuer.issue(call, u, remember);
        audit.record(null, u.id(), null, "auth.login", "user", u.id(), Audit.SUCCESS, "allow",
                Map.of("remember_me", remember), call.ip, call.userAgent(), call);
        pacer.hold(started, Duration.ZERO);
        return new LoginResponse(UserPublic.of(u), false);
    }

    private Object logout(Call call) throws ApiError, StoreException {
        access.sessions().revoke(call.caller.session().id(), call.caller.userId(), call.now);
        audit.success(call, "auth.logout", "session", call.caller.session().id(), Map.of());
        issuer.clear(call);
        return null;
    }

    private Object me(Call call) throws StoreException {
        return UserMePublic.of(call.caller.user(), memberships(access, call.caller.user()));
    }

    /** Admins see every active project as admin (the first 500); others their memberships on active projects. */
    static List<MembershipRef> memberships(Access access, Accounts.User user) throws StoreException {
        List<MembershipRef> out = new ArrayList<>();
        if (user.admin()) {
            access.projects().active(500).forEach(p -> out.add(new MembershipRef(p.id(), p.slug(), "admin")));
        } else {
            access.accounts().membershipsOfUser(user.id())
                    .forEach(m -> out.add(new MembershipRef(m.projectId(), m.projectSlug(), m.role())));
        }
        return out;
    }

    private Object patchMe(Call call) throws ApiError, StoreException {
        JsonNode b = call.bodyTree();
        Accounts.User u = call.caller.user();
        Accounts.User changed = new Accounts.User(u.id(), u.email(), u.passwordHash(),
                optionalText(b, "first_name", u.firstName()), optionalText(b, "last_name", u.lastName()),
                optionalText(b, "display_name", u.displayName()), u.admin(), u.active(),
                b.hasNonNull("timezone") ? Check.timezone("timezone", textOf(b, "timezone")) : u.timezone(),
                u.failedLogins(), u.lockedUntil(), u.passwordChangedAt(), u.lastLoginAt(), u.createdAt(), u.updatedAt());
        Accounts.User saved = access.accounts().updateUser(changed, call.now);
        audit.success(call, "user.profile_updated", "user", u.id(), Map.of("fields", fieldNames(b)));
        return UserMePublic.of(saved, memberships(access, saved));
    }

    static List<String> fieldNames(JsonNode b) {
        List<String> names = new ArrayList<>();
        b.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A PATCH text field: absent keeps {@code current}; null clears; else 0..200 characters. */
    static String optionalText(JsonNode b, String field, String current) throws ApiError {
        if (!b.has(field)) {
            return current;
        }
        if (b.get(field).isNull()) {
            return null;
        }
        return Check.optional(field, textOf(b, field), 200);
    }

    static String textOf(JsonNode b, String field) throws ApiError {
        JsonNode n = b.get(field);
        if (n == null || !n.isTextual()) {
            throw ApiError.validation(field, "must be a string");
        }
        return n.textValue();
    }

    private Object changePassword(Call call) throws ApiError, StoreException {
        ChangePasswordRequest body = call.body(ChangePasswordRequest.class);
        String current = Check.text("current_password", body.currentPassword(), 1, PasswordPolicy.MAX_LENGTH);
        String next = Check.text("new_password", body.newPassword(), 8, PasswordPolicy.MAX_LENGTH);
        Accounts.User u = call.caller.user();
        if (!passwords.verify(current, u.passwordHash())) {
            audit.failure(call, "auth.password_changed", "user", u.id(), Map.of("reason", "wrong_current_password"));
            throw ApiError.validation("current_password", "is not correct");
        }
        String problem = policy.problem(next);
        if (problem != null) {
            throw ApiError.validation("new_password", problem);
        }
        access.accounts().setPassword(u.id(), passwords.hash(next), call.now);
        access.sessions().revokeAllOfUser(u.id(), call.now);
        Accounts.User fresh = access.accounts().userById(u.id()).orElse(u);
        issuer.issue(call, fresh, call.caller.session().rememberMe());
        audit.success(call, "auth.password_changed", "user", u.id(), Map.of());
        return new LoginResponse(UserPublic.of(fresh), false);
    }

    private Object sessions(Call call) throws StoreException {
        List<SessionPublic> out = new ArrayList<>();
        for (Sessions.Session s : access.sessions().liveOfUser(call.caller.userId(), call.now)) {
            out.add(new SessionPublic(s.id(), s.issuedAt(), s.lastSeenAt(), s.ipAtIssue(), s.userAgentAtIssue(),
                    s.id().equals(call.caller.session().id())));
        }
        return out;
    }

    private Object revokeSession(Call call) throws ApiError, StoreException {
        var id = call.pathUuid("session_id");
        boolean revoked = access.sessions().revoke(id, call.caller.userId(), call.now);
        if (revoked) {
            audit.success(call, "auth.session_revoked", "session", id, Map.of());
        }
        return new Revoked(revoked);
    }
}
