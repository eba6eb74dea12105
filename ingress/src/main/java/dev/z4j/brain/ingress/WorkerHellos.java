package dev.z4j.brain.ingress;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The "worker connected" rows of every socket, written by one writer in batches: when 10,000 agents
 * connect at once the database sees a few dozen transactions from here instead of 10,000 sockets
 * queueing for a pool connection (and failing after the pool's timeout). Each socket waits for its
 * own batch, so its later writes (the disconnect) still land after it.
 */
final class WorkerHellos implements AutoCloseable {
    /** Hellos per transaction: big enough to absorb a storm, small enough to commit in milliseconds. */
    static final int MAX_BATCH = 500;
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Logger LOG = Logger.getLogger(WorkerHellos.class.getName());

    private record Pending(Directory.Connected connected, CompletableFuture<Void> done) {}

    private final Directory directory;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    WorkerHellos(Directory directory) {
        this.directory = directory;
        this.writer = Thread.ofVirtual().name("z4j-worker-hellos").start(this::run);
    }

    /** Queues the row; the future completes once it is committed (exceptionally if it could not be). */
    CompletableFuture<Void> connected(Directory.WorkerHello hello, Instant at) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("shutting down"));
            return done;
        }
        queue.add(new Pending(new Directory.Connected(hello, at), done));
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1); // whatever else arrived meanwhile rides along
                write(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            directory.workersConnected(batch.stream().map(Pending::connected).toList());
            batch.forEach(p -> p.done().complete(null));
        } catch (StoreException | RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            // One row that cannot be written must not take the others with it: retry one by one.
            LOG.log(Level.FINE, "batch of {0} hellos failed ({1}); writing them one by one",
                    new Object[] {batch.size(), e.getMessage()});
            for (Pending p : batch) {
                write(List.of(p));
            }
        }
    }

    /** Writes what is queued, then stops; later hellos fail at once. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) { // queued as the writer stopped: nobody waits forever
            p.done().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }
}
