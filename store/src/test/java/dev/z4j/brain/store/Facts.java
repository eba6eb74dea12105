package dev.z4j.brain.store;

/** Builds {@link TaskFacts} for tests; unset fields stay null (the event does not carry them). */
final class Facts {
    private final String state;
    private String name;
    private String priority;
    private String args;
    private String kwargs;
    private String result;
    private Long runtimeMs;
    private String exception;
    private String traceback;
    private Integer retryCount;
    private String parent;
    private String root;

    private Facts(String state) {
        this.state = state;
    }

    /** Facts of a kind: the state the store derives from it (null for task.sent, task.rejected). */
    static Facts of(String kind) {
        return new Facts(switch (kind) {
            case "task.received" -> "received";
            case "task.started" -> "started";
            case "task.succeeded" -> "success";
            case "task.failed" -> "failure";
            case "task.retried" -> "retry";
            case "task.revoked" -> "revoked";
            default -> null;
        });
    }

    Facts name(String v) {
        name = v;
        return this;
    }

    Facts priority(String v) {
        priority = v;
        return this;
    }

    Facts args(String v) {
        args = v;
        return this;
    }

    Facts kwargs(String v) {
        kwargs = v;
        return this;
    }

    Facts result(String v) {
        result = v;
        return this;
    }

    Facts runtimeMs(Long v) {
        runtimeMs = v;
        return this;
    }

    Facts exception(String v) {
        exception = v;
        return this;
    }

    Facts traceback(String v) {
        traceback = v;
        return this;
    }

    Facts retryCount(Integer v) {
        retryCount = v;
        return this;
    }

    Facts parent(String v) {
        parent = v;
        return this;
    }

    Facts root(String v) {
        root = v;
        return this;
    }

    TaskFacts build() {
        return new TaskFacts(state, name, priority, args, kwargs, result, runtimeMs, exception, traceback, retryCount,
                parent, root);
    }
}
