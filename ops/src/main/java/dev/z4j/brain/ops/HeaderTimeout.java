package dev.z4j.brain.ops;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Z4J_HTTP_HEADER_TIMEOUT_SECONDS: once a request line has arrived, its headers must be complete
 * within the timeout, or the connection is closed (Helidon has no such limit: a slowloris client
 * sending one header every few seconds would hold its socket for ever). Helidon already closes
 * connections that stay idle before the request line (its idle-connection timeout).
 *
 * <p>Helidon tells us when the request line and when the headers were read, on the connection's own
 * (virtual) thread; a sweeper interrupts threads still reading headers past the deadline, which
 * closes their socket (a virtual thread blocked in socket I/O is unblocked that way).
 */
final class HeaderTimeout implements Http1ConnectionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeaderTimeout.class.getName());

    private final long timeoutNanos;
    private final Map<Thread, Long> readingHeadersSince = new ConcurrentHashMap<>();
    private final Counter closed;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-header-timeout");
        t.setDaemon(true);
        return t;
    });

    HeaderTimeout(Duration timeout, MeterRegistry metrics) {
        this.timeoutNanos = timeout.toNanos();
        this.closed = Counter.builder("z4j_http_requests_refused_total").tag("reason", "header_timeout")
                .description("HTTP requests refused before routing").register(metrics);
        long tick = Math.max(100, Math.min(1000, timeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        readingHeadersSince.put(Thread.currentThread(), System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        readingHeadersSince.remove(Thread.currentThread());
    }

    void sweep() {
        long now = System.nanoTime();
        readingHeadersSince.forEach((thread, since) -> {
            if (!thread.isAlive()) {
                readingHeadersSince.remove(thread, since); // the connection ended while reading headers
            } else if (now - since > timeoutNanos && readingHeadersSince.remove(thread, since)) {
                closed.increment();
                LOG.log(Level.FINE, "closed a connection whose request headers took longer than {0} s",
                        TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
                thread.interrupt();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
