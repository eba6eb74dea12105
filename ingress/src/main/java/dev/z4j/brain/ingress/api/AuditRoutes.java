package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.AuditLog;
import dev.z4j.brain.store.StoreException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code /projects/{slug}/audit} (project admins): the audit log, newest first, paged or exported. */
public final class AuditRoutes {
    static final List<String> COLUMNS = List.of("id", "occurred_at", "action", "target_type", "target_id", "result",
            "outcome", "user_id", "event_id", "source_ip", "user_agent", "metadata");
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    static final int MAX_EXPORT = 50_000;

    private final Access access;

    AuditRoutes(Access access) {
        this.access = access;
    }

    List<Route> routes() {
        return List.of(Route.get("/projects/{slug}/audit", Tag.AUDIT, Need.ADMIN)
                .query("action_prefix", "outcome", "user_id", "since", "cursor", "limit", "format", "fields")
                .summary("Audit rows, newest first: {items, next_cursor}; format=csv|json|xlsx downloads them")
                .returns(AuditPage.class).handle(this::list));
    }

    private Object list(Call call) throws ApiError, StoreException {
        String prefix = bounded(call, "action_prefix", 80);
        String outcome = bounded(call, "outcome", 20);
        UUID user = null;
        if (call.query("user_id").isPresent()) {
            try {
                user = UUID.fromString(call.query("user_id").get());
            } catch (IllegalArgumentException e) {
                throw ApiError.validation("user_id", "must be a UUID");
            }
        }
        Instant since = call.query("since").isPresent() ? time("since", call.query("since").get()) : null;
        Cursors.Position after = Cursors.audit(call.query("cursor").orElse(null));
        Optional<String> format = call.query("format");
        if (format.isPresent()) {
            return export(call, format.get(), new AuditLog.Query(call.project.id(), prefix, outcome, user, since,
                    after == null ? null : after.at(), after == null ? null : after.id(), MAX_EXPORT + 1));
        }
        int limit = Math.min(call.queryInt("limit", DEFAULT_PAGE, 1, 5000), MAX_PAGE);
        List<AuditLog.Entry> rows = access.auditLog().list(new AuditLog.Query(call.project.id(), prefix, outcome, user,
                since, after == null ? null : after.at(), after == null ? null : after.id(), limit));
        List<AuditLogPublic> items = new ArrayList<>();
        rows.forEach(r -> items.add(AuditLogPublic.of(r)));
        AuditLog.Entry last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        return new AuditPage(items, rows.size() == limit ? Cursors.audit(last.occurredAt(), last.id()) : null);
    }

    private Object export(Call call, String format, AuditLog.Query query) throws ApiError, StoreException {
        if (!format.equals("csv") && !format.equals("json") && !format.equals("xlsx")) {
            throw ApiError.validation("format", "must be csv, json or xlsx");
        }
        List<String> fields = COLUMNS;
        Optional<String> wanted = call.query("fields");
        if (wanted.isPresent()) {
            if (wanted.get().length() > 500) {
                throw ApiError.validation("fields", "at most 500 characters");
            }
            List<String> asked = List.of(wanted.get().split(","));
            List<String> unknown = asked.stream().map(String::strip).filter(f -> !COLUMNS.contains(f)).toList();
            if (!unknown.isEmpty()) {
                throw ApiError.validation("fields", "unknown columns " + unknown + "; known: " + COLUMNS);
            }
            fields = COLUMNS.stream().filter(c -> asked.stream().map(String::strip).anyMatch(c::equals)).toList();
        }
        List<AuditLog.Entry> rows = access.auditLog().list(query);
        if (rows.size() > MAX_EXPORT) {
            throw ApiError.validation("format", "more than " + MAX_EXPORT + " rows match; narrow the filters");
        }
        List<List<String>> table = new ArrayList<>();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (AuditLog.Entry e : rows) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("id", e.id().toString());
            all.put("occurred_at", e.occurredAt().toString());
            all.put("action", e.action());
            all.put("target_type", e.targetType());
            all.put("target_id", e.targetId());
            all.put("result", e.result());
            all.put("outcome", e.outcome());
            all.put("user_id", e.userId() == null ? null : e.userId().toString());
            all.put("event_id", e.eventId() == null ? null : e.eventId().toString());
            all.put("source_ip", e.sourceIp());
            all.put("user_agent", e.userAgent());
            all.put("metadata", e.metadataJson());
            Map<String, Object> picked = new LinkedHashMap<>();
            List<String> cells = new ArrayList<>();
            for (String f : fields) {
                picked.put(f, f.equals("metadata") ? Json.tree(e.metadataJson()) : all.get(f));
                cells.add(all.get(f) == null ? "" : all.get(f).toString());
            }
            objects.add(picked);
            table.add(cells);
        }
        String name = "z4j-audit-" + call.project.slug() + "." + format;
        return switch (format) {
            case "csv" -> Reply.file(Export.csv(fields, table), "text/csv; charset=utf-8", name);
            case "json" -> Reply.file(Export.json(objects), "application/json", name);
            default -> Reply.file(Export.xlsx(fields, table),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        };
    }

    private static String bounded(Call call, String name, int max) throws ApiError {
        Optional<String> v = call.query(name);
        if (v.isPresent() && v.get().length() > max) {
            throw ApiError.validation(name, "at most " + max + " characters");
        }
        return v.orElse(null);
    }

    /** ISO-8601 with or without an offset (without = UTC). */
    static Instant time(String field, String value) throws ApiError {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw ApiError.validation(field, "must be an ISO-8601 date-time");
            }
        }
    }
}
