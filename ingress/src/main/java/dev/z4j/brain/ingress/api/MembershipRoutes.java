package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /projects/{slug}/memberships} (project admins): who has which role; the last project admin stays. */
public final class MembershipRoutes {
    private final Access access;
    private final Audit audit;

    MembershipRoutes(Access access, Audit audit) {
        this.access = access;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/projects/{slug}/memberships", Tag.MEMBERSHIPS, Need.ADMIN)
                        .summary("The project's members, oldest first").returns(Shape.listOf(MembershipPublic.class))
                        .handle(this::list),
                Route.post("/projects/{slug}/memberships", Tag.MEMBERSHIPS, Need.ADMIN).status(Status.CREATED_201)
                        .summary("Give a user a role in the project").accepts(MembershipCreate.class)
                        .returns(MembershipPublic.class).handle(this::create),
                Route.patch("/projects/{slug}/memberships/{membership_id}", Tag.MEMBERSHIPS, Need.ADMIN)
                        .summary("Change a member's role").accepts(MembershipPatch.class)
                        .returns(MembershipPublic.class).handle(this::patch),
                Route.delete("/projects/{slug}/memberships/{membership_id}", Tag.MEMBERSHIPS, Need.ADMIN)
                        .summary("Remove a member").handle(this::delete));
    }

    private Object list(Call call) throws StoreException {
        List<MembershipPublic> out = new ArrayList<>();
        access.accounts().membershipsOfProject(call.project.id()).forEach(m -> out.add(MembershipPublic.of(m)));
        return out;
    }

    private Object create(Call call) throws ApiError, StoreException {
        MembershipCreate b = call.body(MembershipCreate.class);
        if (b.userId() == null) {
            throw ApiError.validation("user_id", "is required");
        }
        String role = Check.role("role", b.role());
        Accounts.User user = access.accounts().userById(b.userId()).filter(Accounts.User::active)
                .orElseThrow(() -> ApiError.notFound("user not found", "user_id", b.userId().toString()));
        if (access.accounts().membership(user.id(), call.project.id()).isPresent()) {
            throw ApiError.conflict("the user is already a member of this project", "user_id", user.id().toString());
        }
        Accounts.Membership m;
        try {
            m = access.accounts().addMembership(user.id(), call.project.id(), role, call.now);
        } catch (StoreException e) {
            if (e.conflict()) {
                throw ApiError.conflict("the user is already a member of this project", "user_id", user.id().toString());
            }
            throw e;
        }
        audit.success(call, "membership.created", "membership", m.id(), Map.of("user_id", user.id().toString(),
                "role", role));
        return MembershipPublic.of(m);
    }

    private Accounts.Membership membership(Call call) throws ApiError, StoreException {
        UUID id = call.pathUuid("membership_id");
        return access.accounts().membershipById(id).filter(m -> m.projectId().equals(call.project.id()))
                .orElseThrow(() -> ApiError.notFound("membership not found", "membership_id", id.toString()));
    }

    private void keepLastAdmin(Call call, Accounts.Membership m) throws ApiError, StoreException {
        if ("admin".equals(m.role()) && access.accounts().projectAdminCount(call.project.id()) <= 1) {
            throw ApiError.conflict("this is the project's last admin", "reason", "last_project_admin");
        }
    }

    private Object patch(Call call) throws ApiError, StoreException {
        Accounts.Membership m = membership(call);
        String role = Check.role("role", call.body(MembershipPatch.class).role());
        if (!role.equals(m.role())) {
            if (!"admin".equals(role)) {
                keepLastAdmin(call, m);
            }
            access.accounts().setRole(m.id(), role);
        }
        audit.success(call, "membership.updated", "membership", m.id(), Map.of("from", m.role(), "to", role));
        return MembershipPublic.of(access.accounts().membershipById(m.id()).orElseThrow(
                () -> ApiError.notFound("membership not found", "membership_id", m.id().toString())));
    }

    private Object delete(Call call) throws ApiError, StoreException {
        Accounts.Membership m = membership(call);
        keepLastAdmin(call, m);
        access.accounts().removeMembership(m.id());
        audit.success(call, "membership.deleted", "membership", m.id(), Map.of("user_id", m.userId().toString()));
        return null;
    }
}
