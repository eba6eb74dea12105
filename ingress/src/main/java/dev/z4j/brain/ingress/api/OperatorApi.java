package dev.z4j.brain.ingress.api;

import dev.z4j.brain.ingress.DashboardAuth;
import dev.z4j.brain.ingress.DashboardHub;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.read.OperatorReads;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The operator side of the brain, wired by hand: who is calling ({@link Authenticator}), the
 * first-run path, the dashboard socket's gate, and the route table with one class per resource
 * group. New routes are declared in their group's {@code routes()} and added in {@link #routeTable}.
 */
public final class OperatorApi {

    /** What the operator API needs from the rest of the brain. */
    public record Deps(Access access, Directory directory, CommandStore commands, OperatorReads reads, byte[] master,
                       OperatorConfig config, Clock clock, LoginPacer.Sleeper sleeper, MeterRegistry meters,
                       int commandTimeoutSeconds, String version, String databaseType, BooleanSupplier databaseUp,
                       BooleanSupplier started) {}

    private final Deps deps;
    private final Tokens tokens;
    private final Passwords passwords;
    private final PasswordPolicy policy;
    private final Authenticator authenticator;
    private final DashboardGate gate;
    private final FirstRun firstRun;
    private final Audit audit;

    public OperatorApi(Deps deps) {
        this.deps = deps;
        this.tokens = new Tokens(deps.master());
        this.passwords = new Passwords(deps.config().argon2());
        this.policy = new PasswordPolicy(deps.config().passwordMinLength());
        this.authenticator = new Authenticator(deps.access(), tokens, deps.config(), deps.clock());
        this.gate = new DashboardGate(authenticator, deps.access(),
                new Origins(deps.config().publicUrl(), deps.config().extraOrigins(), deps.config().dev()));
        this.firstRun = new FirstRun(deps.access(), tokens);
        this.audit = new Audit(deps.access().auditLog());
    }

    public DashboardAuth dashboardAuth() {
        return gate;
    }

    public FirstRun firstRun() {
        return firstRun;
    }

    public Passwords passwords() {
        return passwords;
    }

    public PasswordPolicy policy() {
        return policy;
    }

    /**
     * Every {@code /api/v1} route; {@code hub} mints socket tickets, {@code registry} reaches the
     * other replicas, {@code connectedHere} says whether this replica holds a socket of an agent
     * (a typed command to it is never refused as offline).
     */
    public RouteTable routeTable(Registry registry, DashboardHub hub, Predicate<UUID> connectedHere) {
        Access access = deps.access();
        OperatorConfig config = deps.config();
        gate.ticketsFrom(hub::redeem);
        SessionIssuer issuer = new SessionIssuer(access.sessions(), tokens, config);
        LoginPacer pacer = new LoginPacer(config.loginMinDuration(), config.loginBackoffCap(), deps.clock(),
                deps.sleeper());
        RouteTable table = new RouteTable(authenticator, access, config, deps.clock(), deps.meters());
        table.add(new AuthRoutes(access, passwords, policy, config, issuer,
                new SlidingWindow(20, Duration.ofMinutes(1), deps.clock()), pacer, audit).routes().toArray(Route[]::new));
        table.add(new SetupRoutes(access, firstRun, tokens, passwords, policy, issuer,
                new SlidingWindow(5, Duration.ofMinutes(15), deps.clock()), audit).routes().toArray(Route[]::new));
        table.add(new ProjectRoutes(access, audit).routes().toArray(Route[]::new));
        table.add(new AgentRoutes(access, deps.directory(), deps.master(), registry, audit).routes().toArray(Route[]::new));
        table.add(new UserRoutes(access, passwords, policy, audit).routes().toArray(Route[]::new));
        table.add(new MembershipRoutes(access, audit).routes().toArray(Route[]::new));
        table.add(new ApiKeyRoutes(access, tokens, audit).routes().toArray(Route[]::new));
        table.add(new AuditRoutes(access).routes().toArray(Route[]::new));
        table.add(new CommandRoutes(deps.commands(), registry, deps.commandTimeoutSeconds(), access)
                .routes().toArray(Route[]::new));
        table.add(new ReadRoutes(access, deps.reads(), deps.commands(), registry, deps.commandTimeoutSeconds(),
                deps.clock(), connectedHere, audit, new SlidingWindow(10, Duration.ofMinutes(1), deps.clock()))
                .routes().toArray(Route[]::new));
        table.add(new SystemRoutes(deps.databaseUp(), deps.started(), deps.version(), deps.databaseType(),
                () -> OpenApi.render(table.routes(), deps.version()),
                caller -> hub.newTicket(gate.viewerOf(caller)), DashboardHub.TICKET_TTL.toSeconds())
                .routes().toArray(Route[]::new));
        return table;
    }

    /** The audit recorder, for routes added outside this package. */
    public Audit audit() {
        return audit;
    }
}
