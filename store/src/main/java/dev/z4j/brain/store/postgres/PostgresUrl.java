package dev.z4j.brain.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Z4J_DATABASE_URL split into what pgjdbc wants: a credential-free JDBC URL plus user and password
 * (pgjdbc does not read {@code user:pass@} from a JDBC URL, and operators paste libpq-style URLs).
 */
public record PostgresUrl(String jdbcUrl, String user, String password) {

    static final String SETTING = "Z4J_DATABASE_URL";

    public static PostgresUrl parse(String url) {
        return parse(url, SETTING);
    }

    /** As {@link #parse(String)}, for a URL read from {@code setting} (named in every refusal). */
    public static PostgresUrl parse(String url, String setting) {
        if (url == null || url.isBlank()) {
            throw invalid(setting, "is empty");
        }
        String text = url.strip();
        String rest;
        if (text.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:postgresql://".length());
        } else if (text.startsWith("postgresql://")) {
            rest = text.substring("postgresql://".length());
        } else if (text.startsWith("postgres://")) {
            rest = text.substring("postgres://".length());
        } else {
            throw invalid(setting, "must start with postgresql:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = new URI("postgresql://" + rest);
        } catch (URISyntaxException e) {
            throw invalid(setting, "is not a valid URL (" + e.getReason() + ")");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid(setting, "has no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw invalid(setting, "has no database name (expected .../DBNAME)");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://");
        jdbc.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(path);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return new PostgresUrl(jdbc.toString(), user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String setting, String why) {
        return new IllegalArgumentException(setting + ": " + why);
    }

    @Override
    public String toString() {
        return "PostgresUrl[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
