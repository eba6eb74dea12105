package dev.z4j.brain.ingress;

import io.helidon.http.Headers;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may open {@code /ws/dashboard} and watch which project. Implemented by the operator API
 * (session cookie, API key, Origin rules, memberships); the hub only asks.
 */
public interface DashboardAuth {

    /** An authenticated watcher; {@code mayWatch} decides per project. */
    interface Viewer {
        boolean mayWatch(UUID projectId);
    }

    /** The upgrade's verdict: a viewer, or the close code (4401 / 4403) and reason to refuse with. */
    record Verdict(Viewer viewer, int closeCode, String reason) {
        public static Verdict allow(Viewer v) {
            return new Verdict(v, 0, null);
        }

        public static Verdict refuse(int code, String reason) {
            return new Verdict(null, code, reason);
        }
    }

    /**
     * False when the request carries an {@code Origin} that is not ours: the handshake is then
     * refused with HTTP 403 before any credential is looked at. True without Origin ({@link
     * #upgrade} decides whether a request without one may go on).
     */
    boolean allowsOrigin(Headers headers);

    /** Checks the Origin, then the session cookie, then a Bearer API key. */
    Verdict upgrade(Headers headers);

    /** The viewer a ticket was minted for, if the ticket is valid (single use). */
    Optional<Viewer> redeemTicket(String ticket);
}
