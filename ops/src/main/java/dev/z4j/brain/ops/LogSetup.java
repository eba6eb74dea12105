package dev.z4j.brain.ops;

import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Logging of the brain process, set up first thing in main (before anything logs): records go to
 * stderr, one line each, as text ({@link OneLineFormatter}) or JSON ({@link JsonLineFormatter}).
 * No logging framework: java.util.logging is what Helidon, HikariCP (through slf4j-jdk14) and we use.
 *
 * <ul>
 *   <li>{@code Z4J_LOG_FORMAT}: {@code text} (default) or {@code json}</li>
 *   <li>{@code Z4J_LOG_LEVEL}: {@code error}, {@code warn}, {@code info} (default), {@code debug}, {@code trace}</li>
 * </ul>
 * A {@code -Djava.util.logging.config.file} given to the JVM wins: the operator configured JUL themselves.
 */
final class LogSetup {
    private LogSetup() {}

    record Settings(Formatter formatter, Level level) {}

    static Settings fromEnv(Map<String, String> env) {
        String format = value(env, "Z4J_LOG_FORMAT", "text");
        Formatter formatter = switch (format) {
            case "text" -> new OneLineFormatter();
            case "json" -> new JsonLineFormatter();
            default -> throw new ConfigException("Z4J_LOG_FORMAT must be 'text' or 'json', was '" + format + "'");
        };
        String level = value(env, "Z4J_LOG_LEVEL", "info");
        Level jul = switch (level) {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> throw new ConfigException(
                    "Z4J_LOG_LEVEL must be one of error, warn, info, debug, trace, was '" + level + "'");
        };
        return new Settings(formatter, jul);
    }

    /** Replaces the JDK's two-line default with one handler on stderr; a JUL config file wins. */
    static void install(Settings settings) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(settings.level());
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL); // the logger levels decide
        stderr.setFormatter(settings.formatter());
        root.addHandler(stderr);
    }

    private static String value(Map<String, String> env, String name, String dflt) {
        String v = env.get(name);
        return v == null || v.isBlank() ? dflt : v.strip().toLowerCase(Locale.ROOT);
    }
}
