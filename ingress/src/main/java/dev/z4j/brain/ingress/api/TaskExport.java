package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The task list as a CSV or JSON download, streamed page by page through the list's keyset (never
 * more than one page in memory). Columns and cell values as the original's export: timestamps in
 * Python isoformat, args/kwargs/result as Python {@code str()}, missing values empty. In CSV, a
 * text cell starting with = + - @ tab or CR gets a leading apostrophe so a spreadsheet shows it
 * as text instead of running it as a formula; JSON keeps every value exactly.
 */
final class TaskExport {
    /** Rows per store read while streaming. */
    static final int PAGE = 1000;
    private static final String FORMULA_STARTS = "=+-@\t\r";

    /** One exportable column: its name, and its cell as text or a number (null = empty). */
    private record Column(String name, boolean numeric, Function<TaskView, Object> cell) {}

    private static final List<Column> ALL = List.of(
            text("task_id", TaskView::taskId),
            text("name", t -> t.name() == null ? "" : t.name()),
            text("state", TaskView::state),
            text("priority", TaskView::priority),
            text("queue", t -> orEmpty(t.queue())),
            text("worker", t -> orEmpty(t.workerName())),
            text("received_at", t -> iso(t.receivedAt())),
            text("started_at", t -> iso(t.startedAt())),
            text("finished_at", t -> iso(t.finishedAt())),
            new Column("runtime_ms", true, TaskView::runtimeMs),
            new Column("retry_count", true, TaskView::retryCount),
            text("exception", t -> orEmpty(t.exception())),
            text("traceback", t -> orEmpty(t.traceback())),
            text("args", t -> python(t.argsJson())),
            text("kwargs", t -> python(t.kwargsJson())),
            text("result", t -> python(t.resultJson())),
            text("tags", t -> String.join(",", t.tags())));
    private static final List<String> NOT_BY_DEFAULT = List.of("traceback", "args", "kwargs", "result", "tags");

    private final List<Column> columns;

    private TaskExport(List<Column> columns) {
        this.columns = columns;
    }

    /**
     * The columns {@code fields} names, in the export's own order; every column but traceback, args,
     * kwargs, result and tags when {@code fields} is null. Unknown names are left out; naming no
     * known column at all is a 422.
     */
    static TaskExport of(String fields) throws ApiProblem {
        if (fields == null) {
            return new TaskExport(ALL.stream().filter(c -> !NOT_BY_DEFAULT.contains(c.name())).toList());
        }
        List<String> asked = new ArrayList<>();
        for (String f : fields.split(",")) {
            asked.add(f.strip());
        }
        List<Column> chosen = ALL.stream().filter(c -> asked.contains(c.name())).toList();
        if (chosen.isEmpty()) {
            throw ApiProblem.invalid("fields", "names no exportable column; known: "
                    + ALL.stream().map(Column::name).toList());
        }
        return new TaskExport(chosen);
    }

    List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** Writes every task of {@code filter} after {@code after}, at most {@code max} rows, as CSV. */
    void csv(OperatorReads reads, TaskFilter filter, Keys.Task after, int max, OutputStream out)
            throws IOException, StoreException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        csvRow(w, columnNames());
        each(reads, filter, after, max, t -> {
            List<String> cells = new ArrayList<>(columns.size());
            for (Column c : columns) {
                Object v = c.cell().apply(t);
                cells.add(v == null ? "" : c.numeric() ? v.toString() : guard(v.toString()));
            }
            csvRow(w, cells);
        });
        w.flush();
    }

    /** The same rows as a JSON array of objects (values exact: no formula guard). */
    void json(OperatorReads reads, TaskFilter filter, Keys.Task after, int max, OutputStream out)
            throws IOException, StoreException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
        g.writeStartArray();
        each(reads, filter, after, max, t -> {
            g.writeStartObject();
            for (Column c : columns) {
                Object v = c.cell().apply(t);
                if (c.numeric()) {
                    Json.number(g, c.name(), (Number) v);
                } else {
                    g.writeStringField(c.name(), v == null ? "" : v.toString());
                }
            }
            g.writeEndObject();
        });
        g.writeEndArray();
        g.flush();
    }

    @FunctionalInterface
    private interface RowSink {
        void accept(TaskView t) throws IOException;
    }

    private static void each(OperatorReads reads, TaskFilter filter, Keys.Task after, int max, RowSink sink)
            throws IOException, StoreException {
        int written = 0;
        Keys.Task position = after;
        while (written < max) {
            int size = Math.min(PAGE, max - written);
            List<TaskView> page = reads.tasks(filter, position, size);
            for (TaskView t : page) {
                sink.accept(t);
            }
            written += page.size();
            if (page.size() < size) {
                return;
            }
            position = Keys.Task.of(page.getLast());
        }
    }

    /** A cell a spreadsheet would run as a formula, made text with a leading apostrophe. */
    static String guard(String cell) {
        return !cell.isEmpty() && FORMULA_STARTS.indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    /** One CSV record as Python's csv.writer writes it: quoted only when needed, CRLF-terminated. */
    private static void csvRow(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                w.write('"');
                w.write(c.replace("\"", "\"\""));
                w.write('"');
            } else {
                w.write(c);
            }
        }
        w.write("\r\n");
    }

    private static Column text(String name, Function<TaskView, Object> cell) {
        return new Column(name, false, cell);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String iso(Instant t) {
        return t == null ? "" : Cursors.isoformat(t);
    }

    /** Python {@code str()} of stored JSON, empty for a false-y value as the original does. */
    private static String python(String json) {
        if (json == null) {
            return "";
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            return PyStr.truthy(n) ? PyStr.str(n) : "";
        } catch (IOException e) {
            return json; // stored by us as JSON; unreachable in practice
        }
    }

    static Map<String, String> contentTypes() {
        return Map.of("csv", "text/csv; charset=utf-8", "json", "application/json");
    }
}
