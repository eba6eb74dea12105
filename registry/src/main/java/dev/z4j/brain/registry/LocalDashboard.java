package dev.z4j.brain.registry;

/** This replica's dashboard subscribers (implemented by the dashboard hub). Must not block. */
public interface LocalDashboard {
    LocalDashboard NONE = notice -> {};

    void deliver(Notice notice);
}
