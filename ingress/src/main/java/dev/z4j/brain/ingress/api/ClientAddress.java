package dev.z4j.brain.ingress.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The client's address for throttles and the audit log: the TCP peer, or, when our own proxy sits
 * in front ({@code Z4J_TRUST_FORWARDED_FOR=true}), the last X-Forwarded-For hop, which that proxy
 * appended (earlier hops are whatever the client claimed).
 */
final class ClientAddress {
    private ClientAddress() {}

    static String of(ServerRequest req, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String xff = req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null);
            if (xff != null && !xff.isBlank()) {
                String[] hops = xff.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty() && last.length() <= 64) {
                    return last;
                }
            }
        }
        return req.remotePeer().host();
    }
}
