package dev.z4j.brain.protocol;

import java.util.Map;

/**
 * The signed envelope of docs/PROTOCOL.md 5.1: every top-level member except {@code hmac}, plus the
 * session's {@code agent_id}, {@code project_id}, {@code session_id} (overriding any on the wire),
 * as canonical JSON. The buffer the envelope is written into is borrowed per frame from
 * {@link SinkPool}, and the Mac from the project's {@link MacPool}, so an idle connection keeps neither.
 */
final class Envelope {
    static final String AGENT_ID = "agent_id";
    static final String PROJECT_ID = "project_id";
    static final String SESSION_ID = "session_id";
    static final String HMAC = "hmac";

    private final MacPool macs;
    private final SessionBinding binding;

    Envelope(MacPool macs, SessionBinding binding) {
        this.macs = macs;
        this.binding = binding;
    }

    /** Writes the canonical envelope of {@code frame} into {@code sink} (reset first) and returns it. */
    ByteSink canonical(Map<String, Object> frame, ByteSink sink) {
        String[] keys = new String[frame.size() + 3];
        int n = 0;
        for (String k : frame.keySet()) {
            if (!k.equals(HMAC) && !k.equals(AGENT_ID) && !k.equals(PROJECT_ID) && !k.equals(SESSION_ID)) {
                keys[n++] = k;
            }
        }
        keys[n++] = AGENT_ID;
        keys[n++] = PROJECT_ID;
        keys[n++] = SESSION_ID;
        JsonWriter.sortKeys(keys, n);
        sink.reset();
        sink.put((byte) '{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sink.put((byte) ',');
            }
            String k = keys[i];
            JsonWriter.writeString(k, sink);
            sink.put((byte) ':');
            Object v = switch (k) {
                case AGENT_ID -> binding.agentId();
                case PROJECT_ID -> binding.projectId();
                case SESSION_ID -> binding.sessionId();
                default -> frame.get(k);
            };
            JsonWriter.write(v, sink, true);
        }
        sink.put((byte) '}');
        return sink;
    }

    /** Lower-case hex HMAC-SHA256 of the canonical envelope of {@code frame}. */
    byte[] hmac(Map<String, Object> frame) {
        ByteSink sink = SinkPool.SHARED.borrow();
        try {
            canonical(frame, sink);
            return macs.hmac(sink.array(), 0, sink.length());
        } finally {
            SinkPool.SHARED.release(sink);
        }
    }
}
