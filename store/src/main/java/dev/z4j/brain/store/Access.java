package dev.z4j.brain.store;

import dev.z4j.brain.store.access.JdbcAccounts;
import dev.z4j.brain.store.access.JdbcAgentRoster;
import dev.z4j.brain.store.access.JdbcApiKeys;
import dev.z4j.brain.store.access.JdbcAuditLog;
import dev.z4j.brain.store.access.JdbcProjects;
import dev.z4j.brain.store.access.JdbcSessions;
import dev.z4j.brain.store.access.Sql;

/** The operator-side stores of one database: who may do what, and what they did. */
public record Access(Accounts accounts, Sessions sessions, ApiKeys apiKeys, AuditLog auditLog, Projects projects,
                     AgentRoster agents) {

    /** All of them over one dialect. */
    public static Access over(Sql sql) {
        return new Access(new JdbcAccounts(sql), new JdbcSessions(sql), new JdbcApiKeys(sql), new JdbcAuditLog(sql),
                new JdbcProjects(sql), new JdbcAgentRoster(sql));
    }
}
