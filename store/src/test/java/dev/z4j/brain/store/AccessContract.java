package dev.z4j.brain.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.Accounts.NewUser;
import dev.z4j.brain.store.Accounts.User;
import dev.z4j.brain.store.ApiKeys.ApiKey;
import dev.z4j.brain.store.ApiKeys.NewApiKey;
import dev.z4j.brain.store.Projects.ProjectRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator-access stores (users, memberships, sessions, API keys, audit log, projects, agents)
 * both databases must share. Tests share one database, so each works with its own rows.
 */
public abstract class AccessContract {
    protected static final Instant T0 = Instant.parse("2026-05-01T09:00:00.123456Z");

    protected abstract Database db();

    private Access access;
    private String suffix;

    @BeforeEach
    void setUp() {
        access = db().access();
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    private User user(boolean admin) throws StoreException {
        return access.accounts().createUser(new NewUser("u-" + UUID.randomUUID() + "@example.com", "$argon2id$x",
                "Ada", null, null, admin, "UTC"), T0);
    }

    private ProjectRecord project(String slug, boolean active) throws StoreException {
        return access.projects().create(new ProjectRecord(UUID.randomUUID(), slug + "-" + suffix, "Name " + slug, null,
                "production", "UTC", 30, active, "z4j-scheduler", null, T0, T0));
    }

    @Test
    void usersRoundTripAndEmailIsUnique() throws Exception {
        User u = user(false);
        assertThat(access.accounts().userById(u.id())).contains(u);
        assertThat(access.accounts().userByEmail(u.email())).contains(u);
        assertThat(u.active()).isTrue();
        assertThat(u.createdAt()).isEqualTo(T0);
        assertThatThrownBy(() -> access.accounts().createUser(new NewUser(u.email(), "h", null, null, null, false, "UTC"), T0))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.conflict()).isTrue());

        User changed = access.accounts().updateUser(new User(u.id(), u.email(), u.passwordHash(), "Grace", "Hopper",
                "GH", true, false, "Europe/Paris", 0, null, u.passwordChangedAt(), null, u.createdAt(), u.updatedAt()),
                T0.plusSeconds(5));
        User read = access.accounts().userById(u.id()).orElseThrow();
        assertThat(read).isEqualTo(changed);
        assertThat(read.displayName()).isEqualTo("GH");
        assertThat(read.admin()).isTrue();
        assertThat(read.active()).isFalse();
        assertThat(read.updatedAt()).isEqualTo(T0.plusSeconds(5));

        access.accounts().setPassword(u.id(), "new-hash", T0.plusSeconds(9));
        read = access.accounts().userById(u.id()).orElseThrow();
        assertThat(read.passwordHash()).isEqualTo("new-hash");
        assertThat(read.passwordChangedAt()).isEqualTo(T0.plusSeconds(9));
        access.accounts().rehashPassword(u.id(), "rehashed");
        assertThat(access.accounts().userById(u.id()).orElseThrow().passwordChangedAt()).isEqualTo(T0.plusSeconds(9));

        assertThat(access.accounts().deleteUser(u.id())).isTrue();
        assertThat(access.accounts().userById(u.id())).isEmpty();
        assertThat(access.accounts().deleteUser(u.id())).isFalse();
    }

    @Test
    void firstUserIsCreatedOnlyWhileThereIsNone() throws Exception {
        user(false); // the shared database already has someone
        assertThat(access.accounts().createFirstUser(new NewUser("first-" + suffix + "@example.com", "h", null, null,
                null, true, "UTC"), T0)).isEmpty();
        assertThat(access.accounts().userByEmail("first-" + suffix + "@example.com")).isEmpty();
    }

    @Test
    void failedLoginsCountUpThenLockAndSuccessClears() throws Exception {
        User u = user(false);
        Instant until = T0.plusSeconds(900);
        assertThat(access.accounts().loginFailed(u.id(), 3, until)).isEqualTo(1);
        assertThat(access.accounts().loginFailed(u.id(), 3, until)).isEqualTo(2);
        assertThat(access.accounts().userById(u.id()).orElseThrow().lockedUntil()).isNull();
        assertThat(access.accounts().loginFailed(u.id(), 3, until)).isEqualTo(3);
        User locked = access.accounts().userById(u.id()).orElseThrow();
        assertThat(locked.lockedUntil()).isEqualTo(until);
        assertThat(locked.failedLogins()).isZero();

        access.accounts().loginSucceeded(u.id(), T0.plusSeconds(1000));
        User ok = access.accounts().userById(u.id()).orElseThrow();
        assertThat(ok.lockedUntil()).isNull();
        assertThat(ok.lastLoginAt()).isEqualTo(T0.plusSeconds(1000));
    }

    @Test
    void membershipsCarryNamesAndSkipArchivedProjects() throws Exception {
        User u = user(false);
        ProjectRecord live = project("live", true);
        ProjectRecord archived = project("arch", false);
        Accounts.Membership m = access.accounts().addMembership(u.id(), live.id(), "operator", T0);
        access.accounts().addMembership(u.id(), archived.id(), "admin", T0.plusSeconds(1));
        assertThat(m.projectSlug()).isEqualTo(live.slug());
        assertThat(m.userEmail()).isEqualTo(u.email());
        assertThat(m.role()).isEqualTo("operator");
        assertThatThrownBy(() -> access.accounts().addMembership(u.id(), live.id(), "viewer", T0))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.conflict()).isTrue());
        assertThatThrownBy(() -> access.accounts().addMembership(u.id(), project("bad", true).id(), "owner", T0))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.conflict()).isFalse());

        assertThat(access.accounts().membershipsOfUser(u.id())).extracting(Accounts.Membership::projectId)
                .containsExactly(live.id());
        assertThat(access.projects().activeOfMember(u.id(), 500)).extracting(ProjectRecord::id).containsExactly(live.id());
        assertThat(access.accounts().membership(u.id(), live.id())).contains(m);
        access.accounts().setRole(m.id(), "admin");
        assertThat(access.accounts().projectAdminCount(live.id())).isEqualTo(1);
        assertThat(access.accounts().membershipsOfProject(live.id())).singleElement()
                .satisfies(x -> assertThat(x.role()).isEqualTo("admin"));
        assertThat(access.accounts().removeMembership(m.id())).isTrue();
        assertThat(access.accounts().membershipById(m.id())).isEmpty();
    }

    @Test
    void sessionsLiveUntilRevoked() throws Exception {
        User u = user(false);
        Sessions.Session s = access.sessions().create(new Sessions.NewSession(u.id(), "th-" + suffix, "csrf", false,
                T0.plus(Duration.ofDays(7)), "10.0.0.1", "curl"), T0);
        assertThat(access.sessions().byTokenHash("th-" + suffix)).contains(s);
        access.sessions().touch(s.id(), T0.plusSeconds(60));
        access.sessions().touch(s.id(), T0.plusSeconds(30)); // never backwards
        assertThat(access.sessions().byTokenHash("th-" + suffix).orElseThrow().lastSeenAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(access.sessions().liveOfUser(u.id(), T0)).containsExactly(access.sessions().byTokenHash("th-" + suffix).orElseThrow());
        assertThat(access.sessions().revoke(s.id(), UUID.randomUUID(), T0)).isFalse(); // not theirs
        assertThat(access.sessions().revokeAllOfUser(u.id(), T0.plusSeconds(61))).isEqualTo(1);
        assertThat(access.sessions().byTokenHash("th-" + suffix).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(access.sessions().liveOfUser(u.id(), T0)).isEmpty();
        assertThat(access.sessions().revoke(s.id(), u.id(), T0)).isFalse();
    }

    @Test
    void apiKeysKeepScopesBindingAndUse() throws Exception {
        User u = user(false);
        ProjectRecord p = project("keys", true);
        ApiKey k = access.apiKeys().create(new NewApiKey(u.id(), "ci", "z4k_AbCd", "kh-" + suffix,
                List.of("tasks:read", "commands:write"), p.id(), T0.plus(Duration.ofDays(1))), T0);
        assertThat(k.scopes()).containsExactly("tasks:read", "commands:write");
        assertThat(k.projectSlug()).isEqualTo(p.slug());
        assertThat(k.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(1)));
        assertThat(access.apiKeys().byHash("kh-" + suffix)).contains(k);

        access.apiKeys().touchUsed(k.id(), T0.plusSeconds(10), "10.1.1.1", Duration.ofMinutes(1));
        access.apiKeys().touchUsed(k.id(), T0.plusSeconds(20), "10.2.2.2", Duration.ofMinutes(1)); // within the minute
        ApiKey used = access.apiKeys().byHash("kh-" + suffix).orElseThrow();
        assertThat(used.lastUsedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(used.lastUsedIp()).isEqualTo("10.1.1.1");

        assertThat(access.apiKeys().liveOfUser(u.id())).extracting(ApiKey::id).containsExactly(k.id());
        assertThat(access.apiKeys().revoke(k.id(), UUID.randomUUID(), "x", T0)).isFalse();
        assertThat(access.apiKeys().revoke(k.id(), u.id(), "leaked", T0.plusSeconds(30))).isTrue();
        assertThat(access.apiKeys().liveOfUser(u.id())).isEmpty();
        ApiKey revoked = access.apiKeys().byHash("kh-" + suffix).orElseThrow();
        assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(revoked.revokedReason()).isEqualTo("leaked");
    }

    @Test
    void ownerlessKeysAreAdopted() throws Exception {
        ApiKey k = access.apiKeys().create(new NewApiKey(null, "install", "z4k_xxxx", "own-" + suffix,
                List.of("admin:*"), null, null), T0);
        assertThat(k.userId()).isNull();
        User admin = user(true);
        assertThat(access.apiKeys().adoptOwnerless(admin.id())).isGreaterThanOrEqualTo(1);
        assertThat(access.apiKeys().byHash("own-" + suffix).orElseThrow().userId()).isEqualTo(admin.id());
    }

    @Test
    void auditPagesNewestFirstWithFilters() throws Exception {
        UUID project = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            access.auditLog().record(new AuditLog.Entry(UUID.randomUUID(), project, user, null,
                    i % 2 == 0 ? "agent.token.minted" : "auth.login", "agent", "a-" + i, "success",
                    i == 4 ? "deny" : "allow", null, "{\"i\":" + i + "}", "10.0.0.9", "ua",
                    T0.plusSeconds(i)));
        }
        List<AuditLog.Entry> first = access.auditLog().list(new AuditLog.Query(project, null, null, null, null, null, null, 2));
        assertThat(first).extracting(AuditLog.Entry::targetId).containsExactly("a-4", "a-3");
        AuditLog.Entry last = first.get(1);
        assertThat(access.auditLog().list(new AuditLog.Query(project, null, null, null, null, last.occurredAt(),
                last.id(), 10))).extracting(AuditLog.Entry::targetId).containsExactly("a-2", "a-1", "a-0");
        assertThat(access.auditLog().list(new AuditLog.Query(project, "agent.", null, null, null, null, null, 10)))
                .extracting(AuditLog.Entry::targetId).containsExactly("a-4", "a-2", "a-0");
        assertThat(access.auditLog().list(new AuditLog.Query(project, "AGENT.", null, null, null, null, null, 10))).isEmpty();
        assertThat(access.auditLog().list(new AuditLog.Query(project, null, "deny", user, T0.plusSeconds(3), null, null, 10)))
                .singleElement().satisfies(e -> {
                    assertThat(e.metadataJson().replace(" ", "")).isEqualTo("{\"i\":4}");
                    assertThat(e.occurredAt()).isEqualTo(T0.plusSeconds(4));
                    assertThat(e.sourceIp()).isEqualTo("10.0.0.9");
                });
        assertThat(access.auditLog().countFrom("auth.login", "success", "10.0.0.9", T0.minusSeconds(1)))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void projectsListUpdateAndSlugConflicts() throws Exception {
        ProjectRecord p = project("proj", true);
        assertThat(access.projects().bySlug(p.slug())).contains(p);
        assertThat(access.projects().active(500)).contains(p);
        ProjectRecord renamed = access.projects().update(new ProjectRecord(p.id(), "renamed-" + suffix, "New", "desc",
                "staging", "Europe/Paris", 7, false, "celery-beat", "[\"celery-beat\"]", p.createdAt(), p.updatedAt()),
                T0.plusSeconds(3));
        assertThat(renamed.slug()).isEqualTo("renamed-" + suffix);
        assertThat(renamed.active()).isFalse();
        assertThat(renamed.retentionDays()).isEqualTo(7);
        assertThat(renamed.allowedSchedulersJson().replace(" ", "")).isEqualTo("[\"celery-beat\"]");
        assertThat(renamed.updatedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(access.projects().active(500)).doesNotContain(renamed);
        ProjectRecord other = project("other", true);
        assertThatThrownBy(() -> access.projects().update(new ProjectRecord(other.id(), renamed.slug(), "x", null,
                "production", "UTC", 30, true, "z4j-scheduler", null, T0, T0), T0))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.conflict()).isTrue());
    }

    @Test
    void projectsMadeByTheAgentDirectoryReadWithDefaults() throws Exception {
        Directory.Project p = db().directory().createProject("dir-" + suffix, "From directory");
        ProjectRecord r = access.projects().byId(p.id()).orElseThrow();
        assertThat(r.environment()).isEqualTo("production");
        assertThat(r.timezone()).isEqualTo("UTC");
        assertThat(r.retentionDays()).isEqualTo(30);
        assertThat(r.active()).isTrue();
        assertThat(r.updatedAt()).isNotNull();
    }

    @Test
    void agentsListNewestFirstAndDeleteIsHard() throws Exception {
        Directory.Project p = db().directory().createProject("ag-" + suffix, "Agents");
        Directory.Agent older = db().directory().createAgent(p.id(), "older", "tok-o-" + suffix);
        Directory.Agent newer = db().directory().createAgent(p.id(), "newer", "tok-n-" + suffix);
        List<AgentRoster.AgentRecord> list = access.agents().ofProject(p.id(), 500);
        assertThat(list).hasSize(2);
        assertThat(list.get(0).createdAt()).isAfterOrEqualTo(list.get(1).createdAt());
        AgentRoster.AgentRecord fresh = access.agents().get(p.id(), newer.id()).orElseThrow();
        assertThat(fresh.lastConnectAt()).isNull();
        assertThat(fresh.engineAdaptersJson()).isEqualTo("[]");
        assertThat(access.agents().get(UUID.randomUUID(), newer.id())).isEmpty();
        assertThat(access.agents().delete(UUID.randomUUID(), older.id())).isFalse(); // other project
        assertThat(access.agents().delete(p.id(), older.id())).isTrue();
        assertThat(db().directory().agentByTokenHash("tok-o-" + suffix)).isEmpty();
        assertThat(access.agents().ofProject(p.id(), 500)).extracting(AgentRoster.AgentRecord::id)
                .containsExactly(newer.id());
    }

    @Test
    void setupTokenIsReplacedAndUsedOnce() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        access.accounts().replaceSetupToken("st-a-" + suffix, now.plusSeconds(900), now);
        access.accounts().replaceSetupToken("st-b-" + suffix, now.plusSeconds(900), now);
        assertThat(access.accounts().setupToken("st-a-" + suffix)).isEmpty();
        Accounts.SetupToken t = access.accounts().setupToken("st-b-" + suffix).orElseThrow();
        assertThat(access.accounts().setupTokenActive(now)).isTrue();
        assertThat(access.accounts().setupTokenActive(now.plusSeconds(901))).isFalse();
        assertThat(access.accounts().consumeSetupToken(t.id(), now)).isTrue();
        assertThat(access.accounts().consumeSetupToken(t.id(), now)).isFalse();
        assertThat(access.accounts().setupTokenActive(now)).isFalse();
    }
}
