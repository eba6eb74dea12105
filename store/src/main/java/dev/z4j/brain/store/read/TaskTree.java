package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.List;

/**
 * The canvas (chain, group, chord) a task belongs to: every task of the project and engine sharing
 * its root, oldest received first, at most the asked number ({@code truncated} when there were more).
 */
public record TaskTree(String rootTaskId, List<Node> nodes, boolean truncated) {
    public TaskTree {
        nodes = List.copyOf(nodes);
    }

    public record Node(String taskId, String name, String state, String parentTaskId, String rootTaskId,
                       Instant receivedAt, Instant startedAt, Instant finishedAt) {}
}
