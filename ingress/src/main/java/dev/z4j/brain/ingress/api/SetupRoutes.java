package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * First run over HTTP: {@code GET /setup/status} says whether nobody exists yet, and
 * {@code POST /setup/complete} turns the one-time token printed at start into the first admin
 * (throttled per address, and refused after repeated failures from one address).
 */
public final class SetupRoutes {
    static final String ACTION = "setup.complete";
    static final int FAILURE_BUDGET = 10;
    static final Duration BUDGET_WINDOW = Duration.ofMinutes(15);

    private final Access access;
    private final FirstRun firstRun;
    private final Tokens tokens;
    private final Passwords passwords;
    private final PasswordPolicy policy;
    private final SessionIssuer issuer;
    private final SlidingWindow throttle;
    private final Audit audit;

    SetupRoutes(Access access, FirstRun firstRun, Tokens tokens, Passwords passwords, PasswordPolicy policy,
                SessionIssuer issuer, SlidingWindow throttle, Audit audit) {
        this.access = access;
        this.firstRun = firstRun;
        this.tokens = tokens;
        this.passwords = passwords;
        this.policy = policy;
        this.issuer = issuer;
        this.throttle = throttle;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/setup/status", Tag.SETUP, Need.NOBODY)
                        .summary("first_boot true while no user exists (anonymous); afterwards only for signed-in callers")
                        .returns(SetupStatus.class).handle(this::status),
                Route.post("/setup/complete", Tag.SETUP, Need.NOBODY).noCsrf()
                        .summary("Create the first admin with the setup token printed at start; signs them in")
                        .accepts(SetupCompleteRequest.class).returns(SetupCompleted.class).handle(this::complete));
    }

    private Object status(Call call) throws ApiError, StoreException {
        if (firstRun.firstBoot()) {
            return new SetupStatus(true);
        }
        if (call.caller.anonymous()) {
            throw ApiError.unauthenticated("authentication required", null);
        }
        return new SetupStatus(false);
    }

    private Object complete(Call call) throws ApiError, StoreException {
        if (!throttle.tryHit(call.ip)) {
            throw ApiError.rateLimited("setup");
        }
        if (access.auditLog().countFrom(ACTION, Audit.FAILURE, call.ip, call.now.minus(BUDGET_WINDOW)) >= FAILURE_BUDGET) {
            throw new ApiError(Status.TOO_MANY_REQUESTS_429, "rate_limited",
                    "too many failed setup attempts from this address; wait " + BUDGET_WINDOW.toMinutes() + " minutes",
                    ApiError.details("reason", "failure_budget"));
        }
        SetupCompleteRequest body = call.body(SetupCompleteRequest.class);
        String token = Check.text("token", body.token(), 10, 200);
        String email = Check.email("email", body.email());
        String displayName = Check.optional("display_name", body.displayName(), 200);
        String password = Check.text("password", body.password(), 8, PasswordPolicy.MAX_LENGTH);
        if (!firstRun.firstBoot()) {
            throw ApiError.conflict("already set up: an admin exists", "reason", "already_provisioned");
        }
        Optional<Accounts.SetupToken> row = access.accounts().setupToken(tokens.setupHash(token));
        String refusal = row.isEmpty()
                ? (access.accounts().setupTokenActive(call.now) ? "invalid_token" : "no_active_token")
                : row.get().consumedAt() != null ? "invalid_token"
                : !call.now.isBefore(row.get().expiresAt()) ? "expired" : null;
        if (refusal != null) {
            audit.failure(call, ACTION, "setup_token", null, Map.of("reason", refusal));
            throw ApiError.notFound("setup token not valid", "reason", refusal);
        }
        String problem = policy.problem(password);
        if (problem != null) {
            throw ApiError.validation("password", problem);
        }
        if (!access.accounts().consumeSetupToken(row.get().id(), call.now)) {
            throw ApiError.notFound("setup token not valid", "reason", "invalid_token");
        }
        FirstRun.Admin admin = firstRun.createAdmin(email, passwords.hash(password), displayName, call.now)
                .orElseThrow(() -> ApiError.conflict("already set up: an admin exists", "reason", "already_provisioned"));
        issuer.issue(call, admin.user(), false);
        audit.record(call, admin.project().id(), ACTION, "user", admin.user().id(), Audit.SUCCESS, "allow",
                Map.of("email", email));
        return new SetupCompleted(UserPublic.of(admin.user()), admin.project().id());
    }
}
