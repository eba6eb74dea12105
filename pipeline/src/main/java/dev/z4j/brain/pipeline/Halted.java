package dev.z4j.brain.pipeline;

/** Thrown inside the persister when {@link IngestPipeline#halt()} cut a store retry short. */
final class Halted extends Exception {
    static final Halted INSTANCE = new Halted();

    private Halted() {
        super("pipeline halted", null, false, false);
    }
}
