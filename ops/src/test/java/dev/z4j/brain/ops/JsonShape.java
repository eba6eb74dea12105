package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Pins a JSON object's shape: exactly these keys, each of this type; {@code ?} allows null.
 * Spec: {@code "id:uuid, email:string, first_name:string?, memberships:array"}. Types: uuid,
 * string, ts (ISO-8601 instant), bool, int, number, array (never null unless '?'), object, any.
 */
final class JsonShape {
    private JsonShape() {}

    static void assertShape(JsonNode n, String spec) {
        assertThat(n).as("expected an object, got %s", n).isNotNull();
        assertThat(n.isObject()).as("expected an object: %s", n).isTrue();
        Map<String, String> want = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split(":");
            want.put(kv[0].strip(), kv[1].strip());
        }
        Set<String> have = new TreeSet<>();
        n.fieldNames().forEachRemaining(have::add);
        assertThat(have).as("keys of %s", n).isEqualTo(new TreeSet<>(want.keySet()));
        want.forEach((key, type) -> {
            JsonNode v = n.get(key);
            boolean nullable = type.endsWith("?");
            String t = nullable ? type.substring(0, type.length() - 1) : type;
            if (v.isNull()) {
                assertThat(nullable).as("%s is null in %s", key, n).isTrue();
                return;
            }
            switch (t) {
                case "uuid" -> assertThat(UUID.fromString(v.asText()).toString()).as(key).isEqualTo(v.asText());
                case "string" -> assertThat(v.isTextual()).as("%s is a string in %s", key, n).isTrue();
                case "ts" -> {
                    assertThat(v.isTextual()).as(key).isTrue();
                    Instant.parse(v.asText());
                }
                case "bool" -> assertThat(v.isBoolean()).as("%s is a boolean in %s", key, n).isTrue();
                case "int" -> assertThat(v.isIntegralNumber()).as("%s is an integer in %s", key, n).isTrue();
                case "number" -> assertThat(v.isNumber()).as(key).isTrue();
                case "array" -> assertThat(v.isArray()).as("%s is an array in %s", key, n).isTrue();
                case "object" -> assertThat(v.isObject()).as("%s is an object in %s", key, n).isTrue();
                case "any" -> { }
                default -> throw new IllegalArgumentException("unknown type " + t);
            }
        });
    }

    static final String USER_PUBLIC = "id:uuid, email:string, first_name:string?, last_name:string?, "
            + "display_name:string, is_admin:bool, timezone:string, created_at:ts";
    static final String USER_ME = USER_PUBLIC + ", memberships:array";
    static final String MEMBERSHIP_REF = "project_id:uuid, project_slug:string, role:string";
    static final String PROJECT = "id:uuid, slug:string, name:string, description:string?, environment:string, "
            + "timezone:string, retention_days:int, is_active:bool, default_scheduler_owner:string, "
            + "allowed_schedulers:array?, created_at:ts, updated_at:ts";
    static final String AGENT = "id:uuid, project_id:uuid, name:string, state:string, protocol_version:string, "
            + "framework_adapter:string, engine_adapters:array, scheduler_adapters:array, capabilities:object, "
            + "last_seen_at:ts?, last_connect_at:ts?, created_at:ts, is_outdated:bool, host_name:string?, "
            + "agent_version:string?, version_status:string?";
    static final String USER_ADMIN = "id:uuid, email:string, first_name:string?, last_name:string?, "
            + "display_name:string, is_admin:bool, is_active:bool, timezone:string, last_login_at:ts?, "
            + "created_at:ts, updated_at:ts";
    static final String MEMBERSHIP = "id:uuid, user_id:uuid, project_id:uuid, user_email:string, "
            + "user_display_name:string?, role:string, created_at:ts";
    static final String API_KEY = "id:uuid, name:string, prefix:string, scopes:array, project_id:uuid?, "
            + "project_slug:string?, last_used_at:ts?, last_used_ip:string?, expires_at:ts?, revoked_at:ts?, "
            + "revoked_reason:string?, created_at:ts";
    static final String AUDIT = "id:uuid, project_id:uuid?, user_id:uuid?, action:string, target_type:string, "
            + "target_id:string?, result:string, outcome:string?, event_id:uuid?, metadata:object, "
            + "source_ip:string?, user_agent:string?, occurred_at:ts";
    static final String SESSION = "id:uuid, issued_at:ts, last_seen_at:ts, ip_at_issue:string?, "
            + "user_agent_at_issue:string?, is_current:bool";
    static final String ERROR = "error:string, message:string, request_id:string, details:object";
    static final String PAGE = "items:array, next_cursor:string?";
    static final String TASK = "id:uuid, project_id:uuid, engine:string, task_id:string, name:string?, queue:string?, "
            + "state:string, priority:string, args:any?, kwargs:any?, result:any?, exception:string?, traceback:string?, "
            + "retry_count:int, eta:ts?, received_at:ts?, started_at:ts?, finished_at:ts?, runtime_ms:int?, "
            + "worker_name:string?, parent_task_id:string?, root_task_id:string?, tags:array, created_at:ts, updated_at:ts";
    static final String TREE = "root_task_id:string, node_count:int, truncated:bool, nodes:array";
    static final String TREE_NODE = "task_id:string, name:string?, state:string, parent_task_id:string?, "
            + "root_task_id:string?, received_at:ts?, started_at:ts?, finished_at:ts?";
    static final String EVENT = "id:uuid, project_id:uuid, agent_id:uuid, engine:string, task_id:string, kind:string, "
            + "occurred_at:ts, payload:object";
    static final String WORKER = "id:uuid, project_id:uuid, engine:string, name:string, hostname:string?, pid:int?, "
            + "concurrency:int?, queues:array, state:string, last_heartbeat:ts?, load_average:array?, "
            + "active_tasks:int?, processed:int, failed:int, succeeded:int, retried:int, created_at:ts";
    static final String QUEUE = "id:uuid, project_id:uuid, name:string, engine:string, broker_type:string?, "
            + "broker_url_hint:string?, last_seen_at:ts?, created_at:ts";
    static final String COMMAND = "id:uuid, project_id:uuid, agent_id:uuid?, issued_by:string?, action:string, "
            + "target_type:string, target_id:string?, payload:object, status:string, result:any?, error:string?, "
            + "issued_at:ts, dispatched_at:ts?, completed_at:ts?, timeout_at:ts?";
    static final String STATS = "hours:int, tasks_by_state:object, tasks_total:int, tasks_failed_24h:int, "
            + "tasks_succeeded_24h:int, failure_rate_24h:number, agents_online:int, agents_offline:int, "
            + "workers_online:int, workers_offline:int, commands_pending:int, commands_completed_24h:int, "
            + "commands_failed_24h:int, commands_timeout_24h:int, queue_depths:array, system_health:object, "
            + "project:string, project_id:uuid, agent_workers_online:int";
    static final String SYSTEM_HEALTH = "status:string, agents_all_online:bool, queue_depth_ok:bool, "
            + "failure_rate_ok:bool, brain_db_ok:bool";
    static final String TREND = "t:string, success:int, failure:int, retry:int, revoked:int, total:int, avg_runtime_ms:int?";
    static final String ACTIVITY = "tasks_24h:int, failures_24h:int, failure_rate_24h:number, workers_online:int, "
            + "workers_total:int, agents_online:int, agents_total:int, stuck_commands:int";
    static final String HOME_PROJECT = "id:uuid, slug:string, name:string, environment:string, role:string?, "
            + ACTIVITY + ", last_activity_at:ts?, health:string";
    static final String ATTENTION = "kind:string, severity:string, project_id:uuid, project_slug:string, "
            + "project_name:string, message:string, count:int";
    static final String FAILURE = "id:uuid, occurred_at:ts, project_id:uuid, project_slug:string, project_name:string, "
            + "engine:string, task_id:string, task_name:string?, worker:string?, exception:string?, priority:string";
}
