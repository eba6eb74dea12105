package dev.z4j.brain.ops;

import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ServerConnectionException;
import java.io.EOFException;
import java.net.SocketException;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Helidon logs a client that hangs up mid-request (slowloris probes, a browser tab closed during an
 * upload) as a WARNING "Internal server error" with a full stack trace: thousands of lines from one
 * port scan, burying real problems. A peer going away is routine: this filter on Helidon's
 * connection loggers turns those records into one DEBUG line; every other record passes untouched.
 */
final class PeerGoneFilter implements Filter {
    private static final Logger LOG = Logger.getLogger(PeerGoneFilter.class.getName());
    /** JUL holds loggers weakly: keep the filtered ones alive, or the filter would vanish with them. */
    private static final List<Logger> FILTERED = List.of(
            Logger.getLogger("io.helidon.webserver.ConnectionHandler"),
            Logger.getLogger("io.helidon.webserver.http1.Http1Connection"),
            Logger.getLogger("io.helidon.webserver.http.DirectHandlers"),
            Logger.getLogger("io.helidon.webserver.http.ErrorHandlers"));

    private final Filter next;

    private PeerGoneFilter(Filter next) {
        this.next = next;
    }

    /** Idempotent; process-wide (Helidon's loggers are). */
    static synchronized void install() {
        for (Logger logger : FILTERED) {
            if (!(logger.getFilter() instanceof PeerGoneFilter)) {
                logger.setFilter(new PeerGoneFilter(logger.getFilter()));
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable gone = peerGone(record.getThrown());
        if (gone != null) {
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine("client went away mid-request (" + gone.getClass().getSimpleName()
                        + (gone.getMessage() == null ? "" : ": " + gone.getMessage()) + ")");
            }
            return false;
        }
        return next == null || next.isLoggable(record);
    }

    /** The cause that says the socket ended under us, or null. */
    static Throwable peerGone(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataReader.InsufficientDataAvailableException || t instanceof SocketException
                    || t instanceof EOFException || t instanceof ServerConnectionException) {
                return t;
            }
        }
        return null;
    }
}
