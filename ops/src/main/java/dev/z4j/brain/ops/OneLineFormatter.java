package dev.z4j.brain.ops;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record: {@code 2026-01-31T12:00:00.000Z INFO  Brain: message}. An exception is
 * summarised on the same line (classes, messages, innermost frame); Z4J_LOG_FORMAT=json carries
 * the full stack. Line breaks inside a message are written as {@code \n}, so a record never spans lines.
 */
public final class OneLineFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(LogRecords.time(r.getInstant())).append(' ');
        String level = LogRecords.level(r.getLevel());
        sb.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        sb.append(LogRecords.shortName(r.getLoggerName())).append(": ");
        sb.append(oneLine(formatMessage(r)));
        if (r.getThrown() != null) {
            sb.append(" | ").append(oneLine(LogRecords.summary(r.getThrown())));
        }
        return sb.append(System.lineSeparator()).toString();
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
