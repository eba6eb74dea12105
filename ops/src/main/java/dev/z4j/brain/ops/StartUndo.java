package dev.z4j.brain.ops;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a start has opened so far, to close again, newest first, if a later step fails: a brain that
 * cannot bind its port must not leave a pool, threads or a LISTEN connection behind in the process.
 */
final class StartUndo {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    /** Registers {@code close} for {@code resource} and returns the resource. */
    <T> T add(T resource, Consumer<? super T> close) {
        steps.push(() -> close.accept(resource));
        return resource;
    }

    /** Closes everything registered; failures while closing are attached to {@code failure}. */
    void undo(Throwable failure) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
