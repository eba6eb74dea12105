package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.AgentRef;
import dev.z4j.brain.store.read.OperatorReads;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Issues a typed command: role, idempotency key (a key already used in the project returns that
 * command, untouched), agent (the one asked for, which must belong to the project; else the
 * project's newest online agent; checked by the insert itself, in the same statement), then stores
 * it pending and hands it to the registry, which delivers it at least once to whichever replica
 * holds the agent (until its command_ack).
 *
 * <p>An agent that is not online anywhere is a 503 {@code agent_offline} and nothing is stored: the
 * original stores the row and answers 503 anyway, so the caller is told it failed while the command
 * may still run when the agent comes back. Online means a socket of it on this replica, or the
 * agents table (shared by every replica) saying so; the table is written just after a hello, so a
 * socket held here counts at once.
 */
public final class CommandIssuer {
    /** Agents refuse a timeout above this. */
    static final int MAX_WIRE_TIMEOUT = 3600;

    private final OperatorReads reads;
    private final CommandStore commands;
    private final Registry registry;
    private final int timeoutSeconds;
    private final AuditTrail audit;
    private final Clock clock;
    private final Predicate<UUID> connectedHere;

    public CommandIssuer(OperatorReads reads, CommandStore commands, Registry registry, int timeoutSeconds,
                         AuditTrail audit, Clock clock, Predicate<UUID> connectedHere) {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeoutSeconds must be >= 1, was " + timeoutSeconds);
        }
        this.reads = reads;
        this.commands = commands;
        this.registry = registry;
        this.timeoutSeconds = Math.min(timeoutSeconds, MAX_WIRE_TIMEOUT);
        this.audit = audit;
        this.clock = clock;
        this.connectedHere = connectedHere;
    }

    public CommandStore.Command issue(ProjectCaller caller, CommandIntent intent) throws ApiProblem, StoreException {
        caller.require(intent.needs());
        UUID project = caller.project().id();
        if (intent.idempotencyKey() != null) {
            Optional<CommandStore.Command> earlier = reads.commandByIdempotencyKey(project, intent.idempotencyKey());
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        UUID agentId = intent.agentId() != null ? intent.agentId()
                : reads.newestOnlineAgent(project).orElseThrow(() -> ApiProblem.agentOffline(null)).id();
        ObjectNode target = Json.MAPPER.createObjectNode();
        target.put("type", intent.targetType());
        target.put("id", intent.targetId());
        if (intent.targetEngine() != null) {
            target.put("engine", intent.targetEngine());
        }
        // The agent's checks are part of the insert (one round trip fewer); only a refusal reads the
        // agent, to say which check failed.
        Optional<CommandStore.Command> stored = commands.insertForAgent(new CommandStore.NewCommand(project, agentId,
                        intent.action(), target.toString(), intent.payload().toString(), timeoutSeconds,
                        caller.userId() == null ? null : caller.userId().toString(), intent.idempotencyKey()),
                connectedHere.test(agentId), clock.instant());
        if (stored.isEmpty()) {
            throw refusal(project, agentId);
        }
        CommandStore.Command c = stored.get();
        if (CommandStore.PENDING.equals(c.status())) {
            registry.commandInserted(c); // the replica holding the agent claims and pushes it
            registry.publish(new Notice(project, Notice.COMMAND_CHANGED, 1, c.id().toString()));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("command_id", c.id().toString());
        metadata.put("agent_id", agentId.toString());
        metadata.put("idempotency_key", intent.idempotencyKey());
        audit.record(caller, "command.issue." + intent.action(), intent.targetType(), intent.targetId(), metadata);
        return c;
    }

    /** Why the insert refused {@code agentId}: not an agent of the project (or revoked), or offline. */
    private ApiProblem refusal(UUID project, UUID agentId) throws StoreException {
        boolean ours = reads.agent(agentId).filter(a -> a.projectId().equals(project) && !a.revoked()).isPresent();
        return ours ? ApiProblem.agentOffline(agentId.toString())
                : ApiProblem.notFound("agent not found in this project", Map.of("agent_id", agentId.toString()));
    }
}
