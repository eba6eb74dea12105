package dev.z4j.brain.store.read;

/** A task's name and priority, as a bulk retry carries them to the agent. */
public record TaskRef(String taskId, String name, String priority) {}
