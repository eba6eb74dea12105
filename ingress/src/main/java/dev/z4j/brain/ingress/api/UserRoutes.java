package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /users} (global admins): list, create, edit, delete, set a password. An admin cannot
 * demote, deactivate or delete themselves, and the last active admin cannot be removed.
 */
public final class UserRoutes {
    private final Access access;
    private final Passwords passwords;
    private final PasswordPolicy policy;
    private final Audit audit;

    UserRoutes(Access access, Passwords passwords, PasswordPolicy policy, Audit audit) {
        this.access = access;
        this.passwords = passwords;
        this.policy = policy;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/users", Tag.USERS, Need.GLOBAL_ADMIN).query("limit", "offset")
                        .summary("Users, oldest first (limit 1..500, default 100)")
                        .returns(Shape.listOf(UserAdminPublic.class)).handle(this::list),
                Route.post("/users", Tag.USERS, Need.GLOBAL_ADMIN).status(Status.CREATED_201)
                        .summary("Create a user").accepts(UserCreate.class).returns(UserAdminPublic.class)
                        .handle(this::create),
                Route.get("/users/{user_id}", Tag.USERS, Need.GLOBAL_ADMIN)
                        .summary("One user").returns(UserAdminPublic.class)
                        .handle(c -> UserAdminPublic.of(user(c))),
                Route.patch("/users/{user_id}", Tag.USERS, Need.GLOBAL_ADMIN)
                        .summary("Change names, timezone, is_admin or is_active").accepts(UserPatch.class)
                        .returns(UserAdminPublic.class).handle(this::patch),
                Route.delete("/users/{user_id}", Tag.USERS, Need.GLOBAL_ADMIN)
                        .summary("Delete a user (their sessions, keys and memberships go with them)")
                        .handle(this::delete),
                Route.post("/users/{user_id}/password", Tag.USERS, Need.GLOBAL_ADMIN).status(Status.NO_CONTENT_204)
                        .summary("Set a user's password; ends their sessions").accepts(PasswordSet.class)
                        .handle(this::setPassword));
    }

    private Accounts.User user(Call call) throws ApiError, StoreException {
        UUID id = call.pathUuid("user_id");
        return access.accounts().userById(id).orElseThrow(() -> ApiError.notFound("user not found", "user_id", id.toString()));
    }

    private Object list(Call call) throws ApiError, StoreException {
        List<UserAdminPublic> out = new ArrayList<>();
        for (Accounts.User u : access.accounts().users(call.queryInt("limit", 100, 1, 500),
                call.queryInt("offset", 0, 0, Integer.MAX_VALUE))) {
            out.add(UserAdminPublic.of(u));
        }
        return out;
    }

    private Object create(Call call) throws ApiError, StoreException {
        UserCreate b = call.body(UserCreate.class);
        String email = Check.email("email", b.email());
        String password = Check.text("password", b.password(), 1, PasswordPolicy.MAX_LENGTH);
        String problem = policy.problem(password);
        if (problem != null) {
            throw ApiError.validation("password", problem);
        }
        Accounts.NewUser user = new Accounts.NewUser(email, passwords.hash(password),
                Check.optional("first_name", b.firstName(), 200), Check.optional("last_name", b.lastName(), 200),
                Check.optional("display_name", b.displayName(), 200), Boolean.TRUE.equals(b.isAdmin()),
                Check.timezone("timezone", b.timezone()));
        if (access.accounts().userByEmail(email).isPresent()) {
            throw ApiError.conflict("a user with that email already exists", "email", email);
        }
        Accounts.User created;
        try {
            created = access.accounts().createUser(user, call.now);
        } catch (StoreException e) {
            if (e.conflict()) {
                throw ApiError.conflict("a user with that email already exists", "email", email);
            }
            throw e;
        }
        audit.success(call, "user.created", "user", created.id(), Map.of("email", email, "is_admin", created.admin()));
        return UserAdminPublic.of(created);
    }

    private Object patch(Call call) throws ApiError, StoreException {
        Accounts.User u = user(call);
        JsonNode b = call.bodyTree();
        boolean admin = b.has("is_admin") ? ProjectRoutes.bool(b, "is_admin") : u.admin();
        boolean active = b.has("is_active") ? ProjectRoutes.bool(b, "is_active") : u.active();
        boolean self = u.id().equals(call.caller.userId());
        if (self && (!admin || !active)) {
            throw ApiError.conflict("you cannot demote or deactivate yourself", "reason", "self_change");
        }
        if (u.admin() && u.active() && (!admin || !active) && access.accounts().activeAdminCount() <= 1) {
            throw ApiError.conflict("this is the last active admin", "reason", "last_admin");
        }
        Accounts.User changed = new Accounts.User(u.id(), u.email(), u.passwordHash(),
                AuthRoutes.optionalText(b, "first_name", u.firstName()),
                AuthRoutes.optionalText(b, "last_name", u.lastName()),
                AuthRoutes.optionalText(b, "display_name", u.displayName()), admin, active,
                b.hasNonNull("timezone") ? Check.timezone("timezone", AuthRoutes.textOf(b, "timezone")) : u.timezone(),
                u.failedLogins(), u.lockedUntil(), u.passwordChangedAt(), u.lastLoginAt(), u.createdAt(), u.updatedAt());
        Accounts.User saved = access.accounts().updateUser(changed, call.now);
        audit.success(call, "user.updated", "user", u.id(), Map.of("fields", AuthRoutes.fieldNames(b)));
        return UserAdminPublic.of(saved);
    }

    private Object delete(Call call) throws ApiError, StoreException {
        Accounts.User u = user(call);
        if (u.id().equals(call.caller.userId())) {
            throw ApiError.conflict("you cannot delete yourself", "reason", "self_change");
        }
        if (u.admin() && u.active() && access.accounts().activeAdminCount() <= 1) {
            throw ApiError.conflict("this is the last active admin", "reason", "last_admin");
        }
        access.accounts().deleteUser(u.id());
        audit.success(call, "user.deleted", "user", u.id(), Map.of("email", u.email()));
        return null;
    }

    private Object setPassword(Call call) throws ApiError, StoreException {
        Accounts.User u = user(call);
        PasswordSet b = call.body(PasswordSet.class);
        String password = Check.text("new_password", b.newPassword(), 8, PasswordPolicy.MAX_LENGTH);
        String problem = policy.problem(password);
        if (problem != null) {
            throw ApiError.validation("new_password", problem);
        }
        access.accounts().setPassword(u.id(), passwords.hash(password), call.now);
        access.sessions().revokeAllOfUser(u.id(), call.now);
        audit.success(call, "user.password_set", "user", u.id(), Map.of());
        return null;
    }
}
