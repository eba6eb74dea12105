package dev.z4j.brain.ingress.api;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins are ours (for {@code /ws/dashboard}): the public URL's origin and the extra
 * allowed origins. Behind a proxy the browser's Origin names the proxy, so it is the configured
 * public URL that decides, never the Host header. With none configured, the page must come from
 * the host the request was sent to (same origin). A request without Origin (not a browser) is
 * allowed only in dev.
 */
public final class Origins {
    private final Set<String> allowed = new HashSet<>();
    private final boolean dev;
    private final boolean configured;

    public Origins(String publicUrl, List<String> extra, boolean dev) {
        this.dev = dev;
        if (publicUrl != null) {
            allowed.add(origin(publicUrl));
        }
        extra.forEach(o -> allowed.add(origin(o)));
        this.configured = !allowed.isEmpty();
    }

    /** scheme://host[:port] in lower case, default ports dropped; throws on a value that is not a URL. */
    public static String origin(String url) {
        URI u = URI.create(url.strip());
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** {@code origin} null = the header was absent (allowed only in dev). */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return dev;
        }
        String o;
        try {
            o = origin(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (allowed.contains(o)) {
            return true;
        }
        if (!configured && host != null) {
            try {
                return o.equals(origin("http://" + host)) || o.equals(origin("https://" + host));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }
}
