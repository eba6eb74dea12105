package dev.z4j.brain.ingress.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.UUID;
import java.util.regex.Pattern;

/** The id that ties a response to its log line: the client's {@code X-Request-Id} if sane, else a new one. */
public final class RequestIds {
    public static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    public static String of(Headers headers) {
        String in = headers.first(HEADER).orElse(null);
        return in != null && SANE.matcher(in).matches() ? in : UUID.randomUUID().toString().replace("-", "");
    }
}
