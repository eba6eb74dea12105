package dev.z4j.brain.ingress;

import dev.z4j.brain.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database writes of one connection, run off its reader thread but in the order they were
 * submitted: "worker connected" must land before "worker disconnected", a command_ack before
 * the release that a close of the same socket triggers.
 */
final class SerialWrites {
    private static final Logger LOG = Logger.getLogger(SerialWrites.class.getName());

    private final Executor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null); // guarded by lock

    SerialWrites(Executor executor) {
        this.executor = executor;
    }

    /** Runs {@code write} after every write submitted before it; failures are logged, never rethrown. */
    void submit(AgentGateway.DirectoryWrite write) {
        lock.lock();
        try {
            tail = tail.thenRunAsync(() -> run(write), executor)
                    .exceptionally(e -> {
                        // Only a rejected execution (shutdown) gets here: run() catches the rest.
                        LOG.log(Level.FINE, "write after shutdown dropped");
                        return null;
                    });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "write after shutdown dropped");
        } finally {
            lock.unlock();
        }
    }

    private static void run(AgentGateway.DirectoryWrite write) {
        try {
            write.run();
        } catch (StoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "agent database write failed: {0}", e.getMessage());
        }
    }
}
