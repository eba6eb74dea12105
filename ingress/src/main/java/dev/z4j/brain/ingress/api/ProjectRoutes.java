package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code /projects}: the caller's projects; create, edit and archive for global admins. */
public final class ProjectRoutes {
    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,48}[a-z0-9]");
    static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
    static final int MAX_LISTED = 500;

    private final Access access;
    private final Audit audit;

    ProjectRoutes(Access access, Audit audit) {
        this.access = access;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/projects", Tag.PROJECTS, Need.SIGNED_IN)
                        .summary("Active projects the caller can see (all for admins; a bound key's one project)")
                        .returns(Shape.listOf(ProjectPublic.class)).handle(this::list),
                Route.get("/projects/{slug}", Tag.PROJECTS, Need.VIEWER)
                        .summary("One project").returns(ProjectPublic.class).handle(c -> ProjectPublic.of(c.project)),
                Route.post("/projects", Tag.PROJECTS, Need.GLOBAL_ADMIN).status(Status.CREATED_201)
                        .summary("Create a project").accepts(ProjectCreate.class).returns(ProjectPublic.class)
                        .handle(this::create),
                Route.patch("/projects/{slug}", Tag.PROJECTS, Need.GLOBAL_ADMIN)
                        .summary("Change any field of a project, including its slug (rename) and is_active")
                        .accepts(ProjectPatch.class).returns(ProjectPublic.class).handle(this::patch),
                Route.delete("/projects/{slug}", Tag.PROJECTS, Need.GLOBAL_ADMIN)
                        .summary("Archive a project (is_active false; its data stays)").handle(this::archive));
    }

    private Object list(Call call) throws StoreException {
        List<Projects.ProjectRecord> rows;
        if (call.caller.viaKey() && call.caller.key().projectId() != null) {
            rows = access.projects().byId(call.caller.key().projectId()).filter(Projects.ProjectRecord::active)
                    .filter(p -> call.caller.globalAdmin() || isMember(call, p.id())).map(List::of).orElse(List.of());
        } else if (call.caller.globalAdmin()) {
            rows = access.projects().active(MAX_LISTED);
        } else {
            rows = access.projects().activeOfMember(call.caller.userId(), MAX_LISTED);
        }
        List<ProjectPublic> out = new ArrayList<>();
        rows.forEach(p -> out.add(ProjectPublic.of(p)));
        return out;
    }

    private boolean isMember(Call call, UUID projectId) {
        try {
            return access.accounts().membership(call.caller.userId(), projectId).isPresent();
        } catch (StoreException e) {
            return false;
        }
    }

    private Object create(Call call) throws ApiError, StoreException {
        ProjectCreate b = call.body(ProjectCreate.class);
        String slug = slug(b.slug());
        Projects.ProjectRecord p = new Projects.ProjectRecord(UUID.randomUUID(), slug,
                Check.text("name", b.name(), 1, 200), Check.optional("description", b.description(), 2000),
                environment(b.environment() == null ? "production" : b.environment()),
                Check.timezone("timezone", b.timezone()), retention(b.retentionDays() == null ? 30 : b.retentionDays()),
                true, owner(b.defaultSchedulerOwner() == null ? "z4j-scheduler" : b.defaultSchedulerOwner()),
                b.allowedSchedulers() == null ? null : Json.text(b.allowedSchedulers()), call.now, call.now);
        if (access.projects().bySlug(slug).isPresent()) {
            throw ApiError.conflict("a project with slug '" + slug + "' already exists", "slug", slug);
        }
        Projects.ProjectRecord saved;
        try {
            saved = access.projects().create(p);
        } catch (StoreException e) {
            if (e.conflict()) {
                throw ApiError.conflict("a project with slug '" + slug + "' already exists", "slug", slug);
            }
            throw e;
        }
        audit.record(call, saved.id(), "project.created", "project", saved.id(), Audit.SUCCESS, "allow",
                Map.of("slug", slug));
        return ProjectPublic.of(saved);
    }

    private Object patch(Call call) throws ApiError, StoreException {
        JsonNode b = call.bodyTree();
        Projects.ProjectRecord p = call.project;
        String slug = b.has("slug") ? slug(AuthRoutes.textOf(b, "slug")) : p.slug();
        Projects.ProjectRecord changed = new Projects.ProjectRecord(p.id(), slug,
                b.has("name") ? Check.text("name", AuthRoutes.textOf(b, "name"), 1, 200) : p.name(),
                b.has("description") ? (b.get("description").isNull() ? null
                        : Check.optional("description", AuthRoutes.textOf(b, "description"), 2000)) : p.description(),
                b.has("environment") ? environment(AuthRoutes.textOf(b, "environment")) : p.environment(),
                b.has("timezone") ? Check.timezone("timezone", AuthRoutes.textOf(b, "timezone")) : p.timezone(),
                b.has("retention_days") ? retention(integer(b, "retention_days")) : p.retentionDays(),
                b.has("is_active") ? bool(b, "is_active") : p.active(),
                b.has("default_scheduler_owner") ? owner(AuthRoutes.textOf(b, "default_scheduler_owner"))
                        : p.defaultSchedulerOwner(),
                b.has("allowed_schedulers") ? schedulers(b.get("allowed_schedulers")) : p.allowedSchedulersJson(),
                p.createdAt(), p.updatedAt());
        Projects.ProjectRecord saved;
        try {
            saved = access.projects().update(changed, call.now);
        } catch (StoreException e) {
            if (e.conflict()) {
                throw ApiError.conflict("a project with slug '" + slug + "' already exists", "slug", slug);
            }
            throw e;
        }
        audit.success(call, "project.updated", "project", p.id(), Map.of("fields", AuthRoutes.fieldNames(b)));
        return ProjectPublic.of(saved);
    }

    private Object archive(Call call) throws StoreException {
        Projects.ProjectRecord p = call.project;
        access.projects().update(new Projects.ProjectRecord(p.id(), p.slug(), p.name(), p.description(),
                p.environment(), p.timezone(), p.retentionDays(), false, p.defaultSchedulerOwner(),
                p.allowedSchedulersJson(), p.createdAt(), p.updatedAt()), call.now);
        audit.success(call, "project.archived", "project", p.id(), Map.of("slug", p.slug()));
        return null;
    }

    private static String slug(String value) throws ApiError {
        if (value == null || !SLUG.matcher(value).matches()) {
            throw ApiError.validation("slug", "must be 2..50 of a-z, 0-9 and '-', starting and ending with a letter or digit");
        }
        return value;
    }

    private static String environment(String value) throws ApiError {
        if (!ENVIRONMENT.matcher(value).matches()) {
            throw ApiError.validation("environment", "must match ^[a-z][a-z0-9_-]{0,39}$");
        }
        return value;
    }

    private static int retention(int days) throws ApiError {
        if (days < 1 || days > 3650) {
            throw ApiError.validation("retention_days", "must be between 1 and 3650");
        }
        return days;
    }

    private static String owner(String value) throws ApiError {
        return Check.text("default_scheduler_owner", value, 1, 80);
    }

    private static String schedulers(JsonNode n) throws ApiError {
        if (n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw ApiError.validation("allowed_schedulers", "must be a list of strings or null");
        }
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw ApiError.validation("allowed_schedulers", "must be a list of strings or null");
            }
        }
        return n.toString();
    }

    static int integer(JsonNode b, String field) throws ApiError {
        JsonNode n = b.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw ApiError.validation(field, "must be an integer");
        }
        return n.intValue();
    }

    static boolean bool(JsonNode b, String field) throws ApiError {
        JsonNode n = b.get(field);
        if (n == null || !n.isBoolean()) {
            throw ApiError.validation(field, "must be true or false");
        }
        return n.booleanValue();
    }
}
