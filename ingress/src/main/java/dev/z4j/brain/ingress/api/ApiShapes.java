package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.AuditLog;
import dev.z4j.brain.store.Projects;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every JSON shape of the operator API, in one place. Record components become snake_case keys;
 * every key is always written; {@link Nullable} marks the ones whose value may be null (the rest,
 * lists included, never are). {@code openapi.json} is rendered from these same records.
 */
public final class ApiShapes {
    private ApiShapes() {}

    /** The value of this key may be JSON null (the key is still always present). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
    public @interface Nullable {}

    // ------------------------------------------------------------------ people and sessions

    public record UserPublic(UUID id, String email, @Nullable String firstName, @Nullable String lastName,
                             String displayName, boolean isAdmin, String timezone, Instant createdAt) {
        static UserPublic of(Accounts.User u) {
            return new UserPublic(u.id(), u.email(), u.firstName(), u.lastName(), ApiShapes.displayName(u), u.admin(),
                    u.timezone(), u.createdAt());
        }
    }

    /** Explicit display name, else "first last", else the email's local part. */
    static String displayName(Accounts.User u) {
        if (u.displayName() != null && !u.displayName().isBlank()) {
            return u.displayName();
        }
        String full = ((u.firstName() == null ? "" : u.firstName()) + " "
                + (u.lastName() == null ? "" : u.lastName())).strip();
        return full.isEmpty() ? u.email().substring(0, u.email().indexOf('@')) : full;
    }

    public record MembershipRef(UUID projectId, String projectSlug, String role) {}

    public record UserMePublic(UUID id, String email, @Nullable String firstName, @Nullable String lastName,
                               String displayName, boolean isAdmin, String timezone, Instant createdAt,
                               List<MembershipRef> memberships) {
        static UserMePublic of(Accounts.User u, List<MembershipRef> memberships) {
            return new UserMePublic(u.id(), u.email(), u.firstName(), u.lastName(), ApiShapes.displayName(u), u.admin(),
                    u.timezone(), u.createdAt(), memberships);
        }
    }

    public record LoginRequest(String email, String password, Boolean rememberMe) {}

    public record LoginResponse(UserPublic user, boolean mfaRequired) {}

    public record ProfilePatch(@Nullable String firstName, @Nullable String lastName, @Nullable String displayName,
                               String timezone) {}

    public record ChangePasswordRequest(String currentPassword, String newPassword) {}

    public record PasswordPolicyPublic(int minLength, int requiredCharacterClasses, List<String> characterClassNames) {}

    public record SessionPublic(UUID id, Instant issuedAt, Instant lastSeenAt, @Nullable String ipAtIssue,
                                @Nullable String userAgentAtIssue, boolean isCurrent) {}

    public record Revoked(boolean revoked) {}

    public record SetupStatus(boolean firstBoot) {}

    public record SetupCompleteRequest(String token, String email, @Nullable String displayName, String password) {}

    public record SetupCompleted(UserPublic user, UUID projectId) {}

    // ------------------------------------------------------------------ users and memberships

    public record UserAdminPublic(UUID id, String email, @Nullable String firstName, @Nullable String lastName,
                                  String displayName, boolean isAdmin, boolean isActive, String timezone,
                                  @Nullable Instant lastLoginAt, Instant createdAt, Instant updatedAt) {
        static UserAdminPublic of(Accounts.User u) {
            return new UserAdminPublic(u.id(), u.email(), u.firstName(), u.lastName(), ApiShapes.displayName(u), u.admin(),
                    u.active(), u.timezone(), u.lastLoginAt(), u.createdAt(), u.updatedAt());
        }
    }

    public record UserCreate(String email, String password, @Nullable String firstName, @Nullable String lastName,
                             @Nullable String displayName, Boolean isAdmin, String timezone) {}

    public record UserPatch(@Nullable String firstName, @Nullable String lastName, @Nullable String displayName,
                            Boolean isAdmin, Boolean isActive, String timezone) {}

    public record PasswordSet(String newPassword) {}

    public record MembershipPublic(UUID id, UUID userId, UUID projectId, String userEmail,
                                   @Nullable String userDisplayName, String role, Instant createdAt) {
        static MembershipPublic of(Accounts.Membership m) {
            return new MembershipPublic(m.id(), m.userId(), m.projectId(), m.userEmail(), m.userDisplayName(),
                    m.role(), m.createdAt());
        }
    }

    public record MembershipCreate(UUID userId, String role) {}

    public record MembershipPatch(String role) {}

    // ------------------------------------------------------------------ projects and agents

    public record ProjectPublic(UUID id, String slug, String name, @Nullable String description, String environment,
                                String timezone, int retentionDays, boolean isActive, String defaultSchedulerOwner,
                                @Nullable List<String> allowedSchedulers, Instant createdAt, Instant updatedAt) {
        static ProjectPublic of(Projects.ProjectRecord p) {
            return new ProjectPublic(p.id(), p.slug(), p.name(), p.description(), p.environment(), p.timezone(),
                    p.retentionDays(), p.active(), p.defaultSchedulerOwner(), strings(Json.tree(p.allowedSchedulersJson())),
                    p.createdAt(), p.updatedAt());
        }
    }

    public record ProjectCreate(String slug, String name, @Nullable String description, String environment,
                                String timezone, Integer retentionDays, String defaultSchedulerOwner,
                                @Nullable List<String> allowedSchedulers) {}

    public record ProjectPatch(String slug, String name, @Nullable String description, String environment,
                               String timezone, Integer retentionDays, Boolean isActive, String defaultSchedulerOwner,
                               @Nullable List<String> allowedSchedulers) {}

    public record AgentPublic(UUID id, UUID projectId, String name, String state, String protocolVersion,
                              String frameworkAdapter, List<String> engineAdapters, List<String> schedulerAdapters,
                              JsonNode capabilities, @Nullable Instant lastSeenAt, @Nullable Instant lastConnectAt,
                              Instant createdAt, boolean isOutdated, @Nullable String hostName,
                              @Nullable String agentVersion, @Nullable String versionStatus) {}

    public record AgentCreate(String name) {}

    /**
     * The original's {@code {agent, token, hmac_secret}}, plus the flat keys this brain answered
     * before ({@code agent_id, project_id, project, name}) so existing scripts keep working.
     */
    public record AgentMinted(AgentPublic agent, String token, String hmacSecret, UUID agentId, UUID projectId,
                              String project, String name) {}

    // ------------------------------------------------------------------ API keys and audit

    public record ApiKeyPublic(UUID id, String name, String prefix, List<String> scopes, @Nullable UUID projectId,
                               @Nullable String projectSlug, @Nullable Instant lastUsedAt, @Nullable String lastUsedIp,
                               @Nullable Instant expiresAt, @Nullable Instant revokedAt,
                               @Nullable String revokedReason, Instant createdAt) {
        static ApiKeyPublic of(ApiKeys.ApiKey k) {
            return new ApiKeyPublic(k.id(), k.name(), k.prefix(), k.scopes(), k.projectId(), k.projectSlug(),
                    k.lastUsedAt(), k.lastUsedIp(), k.expiresAt(), k.revokedAt(), k.revokedReason(), k.createdAt());
        }
    }

    /** {@link ApiKeyPublic} plus the plaintext token, shown once. */
    public record ApiKeyCreated(UUID id, String name, String prefix, List<String> scopes, @Nullable UUID projectId,
                                @Nullable String projectSlug, @Nullable Instant lastUsedAt, @Nullable String lastUsedIp,
                                @Nullable Instant expiresAt, @Nullable Instant revokedAt,
                                @Nullable String revokedReason, Instant createdAt, String token) {
        static ApiKeyCreated of(ApiKeys.ApiKey k, String token) {
            return new ApiKeyCreated(k.id(), k.name(), k.prefix(), k.scopes(), k.projectId(), k.projectSlug(),
                    k.lastUsedAt(), k.lastUsedIp(), k.expiresAt(), k.revokedAt(), k.revokedReason(), k.createdAt(),
                    token);
        }
    }

    public record ApiKeyCreate(String name, List<String> scopes, @Nullable UUID projectId,
                               @Nullable Integer expiresInDays) {}

    public record ScopeCatalogue(List<String> scopes, List<String> adminOnly) {}

    public record AuditLogPublic(UUID id, @Nullable UUID projectId, @Nullable UUID userId, String action,
                                 String targetType, @Nullable String targetId, String result, @Nullable String outcome,
                                 @Nullable UUID eventId, JsonNode metadata, @Nullable String sourceIp,
                                 @Nullable String userAgent, Instant occurredAt) {
        static AuditLogPublic of(AuditLog.Entry e) {
            JsonNode meta = Json.tree(e.metadataJson());
            return new AuditLogPublic(e.id(), e.projectId(), e.userId(), e.action(), e.targetType(), e.targetId(),
                    e.result(), e.outcome(), e.eventId(), meta == null ? Json.MAPPER.createObjectNode() : meta,
                    e.sourceIp(), e.userAgent(), e.occurredAt());
        }
    }

    public record AuditPage(List<AuditLogPublic> items, @Nullable String nextCursor) {}

    // ------------------------------------------------------------------ small answers

    public record HealthStatus(String status) {}

    public record Readiness(String status, @Nullable String reason) {}

    public record SystemInfo(String z4jVersion, String javaVersion, String databaseType) {}

    public record UnreadCount(int unread) {}

    public record NotificationPublic(UUID id, @Nullable UUID projectId, @Nullable UUID subscriptionId, String trigger,
                                     @Nullable String reason, String title, @Nullable String body, JsonNode data,
                                     @Nullable Instant readAt, Instant createdAt) {}

    public record DashboardTicket(String ticket, long expiresInSeconds) {}

    /** A JSON array of strings from stored JSON (null stays null; non-strings become their text). */
    static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            return n == null || n.isNull() ? null : List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        n.forEach(e -> out.add(e.isTextual() ? e.textValue() : e.toString()));
        return out;
    }
}
