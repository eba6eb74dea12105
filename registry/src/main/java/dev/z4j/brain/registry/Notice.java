package dev.z4j.brain.registry;

import java.util.UUID;

/**
 * A dashboard change notice: small, ids and counts only (subscribers refetch over REST).
 *
 * @param projectId the project it belongs to (subscribers of other projects never see it)
 * @param topic     {@code task.changed}, {@code agent.changed} or {@code command.changed}
 * @param count     how many changes it stands for (coalesced notices add up)
 * @param subject   an id the change is about (agent or command id), or null when coalesced
 */
public record Notice(UUID projectId, String topic, long count, String subject) {
    public static final String TASK_CHANGED = "task.changed";
    public static final String AGENT_CHANGED = "agent.changed";
    public static final String COMMAND_CHANGED = "command.changed";

    /** Two notices of one project and topic merge into one with the counts added. */
    public Notice merge(Notice later) {
        return new Notice(projectId, topic, count + later.count,
                java.util.Objects.equals(subject, later.subject) ? subject : null);
    }

    /** Wire form for NOTIFY: {@code project|topic|count|subject}; well under the 8000-byte limit. */
    String encode() {
        return projectId + "|" + topic + "|" + count + "|" + (subject == null ? "" : subject);
    }

    static Notice decode(String s) {
        String[] p = s.split("\\|", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("bad notice payload");
        }
        return new Notice(UUID.fromString(p[0]), p[1], Long.parseLong(p[2]), p[3].isEmpty() ? null : p[3]);
    }
}
