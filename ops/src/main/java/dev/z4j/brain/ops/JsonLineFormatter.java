package dev.z4j.brain.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line (Z4J_LOG_FORMAT=json), what log shippers expect:
 * {@code {"time","level","logger","thread","message"}} plus {@code "exception"} (summary) and
 * {@code "stack"} (the full trace) when the record carries one.
 */
public final class JsonLineFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(200);
        sb.append('{');
        field(sb, "time", LogRecords.time(r.getInstant())).append(',');
        field(sb, "level", LogRecords.level(r.getLevel())).append(',');
        field(sb, "logger", r.getLoggerName() == null ? "root" : r.getLoggerName()).append(',');
        field(sb, "thread", Thread.currentThread().getName()).append(',');
        field(sb, "message", formatMessage(r));
        if (r.getThrown() != null) {
            sb.append(',');
            field(sb, "exception", LogRecords.summary(r.getThrown())).append(',');
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            field(sb, "stack", trace.toString());
        }
        return sb.append('}').append(System.lineSeparator()).toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        sb.append(c).append(value.charAt(++i)); // a pair: one code point
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        // control characters and lone surrogates would make the line invalid JSON / UTF-8
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
