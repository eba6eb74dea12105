package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * z4j-bare's local outbound buffer (a SQLite table in the real agent), oldest row first. Every
 * outbound frame is a row: an {@code event_batch} row (one event) stays until the ack for its
 * frame id is processed; a heartbeat, agent_status, command_ack or command_result row is deleted
 * right after its socket write. {@link #drain} is the send loop's {@code drain(500)}: the oldest
 * rows whether or not they were already sent, which is why every un-acked frame is re-sent on
 * every pass. When full, the oldest row is evicted.
 *
 * <p>Not thread-safe: owned by one simulated agent's loop thread.
 */
final class AgentBuffer {
    /** The real agent's default {@code buffer_max_events}. */
    static final int DEFAULT_CAPACITY = 100_000;

    enum Kind { EVENT, CONTROL }

    /** One buffered frame, re-signed on every send (same frame id, fresh ts/nonce/seq). */
    static final class Row {
        final long number;
        final Kind kind;
        final String frameId;
        final Frame.Payload payload;
        long firstSentNanos = -1;
        long lastSentNanos = -1;
        long sentInSession = -1;
        int sends;
        int attempts;

        Row(long number, Kind kind, String frameId, Frame.Payload payload) {
            this.number = number;
            this.kind = kind;
            this.frameId = frameId;
            this.payload = payload;
        }

        int eventCount() {
            return payload instanceof Frame.EventBatch b ? b.events().size() : 0;
        }
    }

    private final int capacity;
    private final LinkedHashMap<Long, Row> rows = new LinkedHashMap<>();
    private final Map<String, Row> events = new HashMap<>();
    private long nextNumber;

    AgentBuffer(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Appends a row.
     *
     * @return the row evicted to make room (the oldest), or null
     */
    Row append(Kind kind, String frameId, Frame.Payload payload) {
        Row evicted = null;
        if (rows.size() >= capacity) {
            Iterator<Row> it = rows.values().iterator();
            evicted = it.next();
            it.remove();
            if (evicted.kind == Kind.EVENT) {
                events.remove(evicted.frameId);
            }
        }
        Row r = new Row(nextNumber++, kind, frameId, payload);
        rows.put(r.number, r);
        if (kind == Kind.EVENT) {
            events.put(frameId, r);
        }
        return evicted;
    }

    /** The oldest {@code limit} rows, sent or not (a snapshot: later changes do not affect it). */
    List<Row> drain(int limit) {
        List<Row> out = new ArrayList<>(Math.min(limit, rows.size()));
        for (Row r : rows.values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    /** The ack for {@code frameId} was processed: its event row leaves the buffer. Null if unknown. */
    Row confirm(String frameId) {
        Row r = events.remove(frameId);
        if (r != null) {
            rows.remove(r.number);
        }
        return r;
    }

    /** A control row was written to the socket: it leaves the buffer. */
    void delete(Row r) {
        rows.remove(r.number);
    }

    /** Event rows still buffered (never sent, or sent and not acked). */
    int eventRows() {
        return events.size();
    }

    int size() {
        return rows.size();
    }

    /** Event rows sent in {@code session} (the real agent's {@code pending_acks} map of that connection). */
    List<Row> pendingIn(long session) {
        List<Row> out = new ArrayList<>();
        for (Row r : events.values()) {
            if (r.sentInSession == session) {
                out.add(r);
            }
        }
        return out;
    }
}
