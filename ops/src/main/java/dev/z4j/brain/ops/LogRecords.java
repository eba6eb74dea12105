package dev.z4j.brain.ops;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** What the two log formatters share: level names log shippers know, short logger names, UTC times. */
final class LogRecords {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogRecords() {}

    static String time(Instant t) {
        return TIME.format(t);
    }

    /** SEVERE is ERROR, WARNING is WARN, FINE is DEBUG, FINER/FINEST are TRACE. */
    static String level(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (v >= Level.CONFIG.intValue()) {
            return "INFO";
        }
        if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** {@code io.helidon.webserver.http1.Http1Connection} becomes {@code Http1Connection}. */
    static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "root";
        }
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    /** {@code Class: message; caused by Class: message ...}, innermost frame last: enough to find the bug. */
    static String summary(Throwable thrown) {
        StringBuilder sb = new StringBuilder();
        Throwable innermost = thrown;
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t != thrown) {
                sb.append("; caused by ");
            }
            sb.append(t.getClass().getName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
            innermost = t;
        }
        StackTraceElement[] frames = innermost.getStackTrace();
        if (frames.length > 0) {
            sb.append(" (at ").append(frames[0]).append(')');
        }
        return sb.toString();
    }
}
