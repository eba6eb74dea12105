package dev.z4j.brain.bench.capacity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import dev.z4j.brain.store.EventRow;

/**
 * PostgreSQL COPY text encoding of {@code events} rows, as the store's own (package-private)
 * CopyBuffer writes them: tab-separated, backslash escapes, ISO timestamps with Z.
 */
final class CopyText {
    static final String COLUMNS =
            "project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at, received_day, payload";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    private final StringBuilder line = new StringBuilder(1024);

    byte[] encode(Iterable<EventRow> rows) {
        out.reset();
        for (EventRow r : rows) {
            line.setLength(0);
            line.append(r.projectId()).append('\t').append(r.id()).append('\t').append(r.agentId()).append('\t');
            escaped(r.engine()).append('\t');
            escaped(r.taskId()).append('\t');
            escaped(r.kind()).append('\t');
            line.append(r.occurredAt()).append('\t').append(r.receivedAt()).append('\t')
                    .append(LocalDate.ofInstant(r.receivedAt(), ZoneOffset.UTC)).append('\t');
            escaped(r.payloadJson()).append('\n');
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private StringBuilder escaped(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
        return line;
    }
}
