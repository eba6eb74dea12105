package dev.z4j.brain.ingress.api;

import dev.z4j.brain.ingress.CloseCodes;
import dev.z4j.brain.ingress.DashboardAuth;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operator side of {@code /ws/dashboard}: a foreign Origin is refused at the handshake (403), a
 * cookie without Origin outside dev after it (4403); then the session cookie or an API key (4401
 * without either); a viewer may watch a project they are a member of (admins: all).
 */
final class DashboardGate implements DashboardAuth {
    private static final Logger LOG = Logger.getLogger(DashboardGate.class.getName());

    private final Authenticator authenticator;
    private final Access access;
    private final Origins origins;
    private volatile Function<String, Optional<Viewer>> tickets = t -> Optional.empty();

    DashboardGate(Authenticator authenticator, Access access, Origins origins) {
        this.authenticator = authenticator;
        this.access = access;
        this.origins = origins;
    }

    void ticketsFrom(Function<String, Optional<Viewer>> redeem) {
        this.tickets = redeem;
    }

    @Override
    public boolean allowsOrigin(Headers headers) {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        return origin == null || origins.allows(origin, headers.first(HeaderNames.HOST).orElse(null));
    }

    @Override
    public Verdict upgrade(Headers headers) {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        boolean cookie = headers.contains(HeaderNames.COOKIE);
        // Browsers always send Origin; scripts with a key usually do not, and are checked by their key.
        if ((origin != null || cookie) && !headers.contains(HeaderNames.AUTHORIZATION)
                && !origins.allows(origin, headers.first(HeaderNames.HOST).orElse(null))) {
            return Verdict.refuse(CloseCodes.SIGNATURE, "origin not allowed");
        }
        try {
            Caller caller = authenticator.resolve(headers, null);
            if (caller.anonymous()) {
                return Verdict.refuse(CloseCodes.UNAUTHORIZED, "session cookie or API key required");
            }
            if (caller.viaKey() && !Scopes.allows(caller.key().scopes(), "dashboard", false)
                    && !Scopes.allows(caller.key().scopes(), "tasks", false)) {
                return Verdict.refuse(CloseCodes.SIGNATURE, "api key lacks tasks:read");
            }
            return Verdict.allow(viewer(caller));
        } catch (ApiError e) {
            return Verdict.refuse(CloseCodes.UNAUTHORIZED, e.getMessage());
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "dashboard auth: {0}", e.getMessage());
            // Busy (pool or lock wait) and down call for different looks by an operator, as on REST.
            return e.busy() ? Verdict.refuse(CloseCodes.TRY_AGAIN_LATER, "database busy; retry in a moment")
                    : Verdict.refuse(CloseCodes.INTERNAL, "database unavailable");
        }
    }

    @Override
    public Optional<Viewer> redeemTicket(String ticket) {
        return tickets.apply(ticket);
    }

    Viewer viewer(Caller caller) {
        return project -> {
            if (caller.viaKey() && caller.key().projectId() != null && !caller.key().projectId().equals(project)) {
                return false;
            }
            if (caller.globalAdmin()) {
                return true;
            }
            try {
                return access.accounts().membership(caller.userId(), project).isPresent();
            } catch (StoreException e) {
                return false;
            }
        };
    }

    /** For tickets minted over REST: the viewer of that call's caller. */
    Viewer viewerOf(Caller caller) {
        return viewer(caller);
    }
}
