package dev.z4j.brain.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.protocol.JsonBuffers;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.FieldCaps;
import dev.z4j.brain.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The queue depths agents report in their heartbeats ({@code adapter_health["<engine>.queue_depths"]},
 * a JSON object of queue name to depth): the newest depth per queue is kept in memory, shown as the
 * gauge {@code z4j_queue_depth{project, engine, queue}}, and written every flush with one statement
 * (the stats page reads it as {@code queue_depths}). Caps as the original: 256 health keys, 1024
 * queues per report; at most 1024 queue gauges per project. A malformed entry is skipped and counted
 * in {@code z4j_queue_depths_rejected_total}; it never drops the rest of the report.
 */
public final class QueueDepths {
    private static final Logger LOG = Logger.getLogger(QueueDepths.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper(JsonBuffers.factory().build());
    static final String SUFFIX = ".queue_depths";
    static final int MAX_HEALTH_KEYS = 256;
    static final int MAX_QUEUES_PER_REPORT = 1024;
    static final int MAX_GAUGES_PER_PROJECT = 1024;

    private record Key(UUID project, String engine, String queue) {}

    private final Directory directory;
    private final MeterRegistry registry;
    private final Counter rejected;
    private final ReentrantLock flushing = new ReentrantLock(); // not a monitor: the flush writes to the database
    private volatile ConcurrentHashMap<Key, Integer> unwritten = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Set<String>> gaugedPerProject = new ConcurrentHashMap<>();

    public QueueDepths(Directory directory, MeterRegistry registry) {
        this.directory = directory;
        this.registry = registry;
        this.rejected = Counter.builder("z4j_queue_depths_rejected_total")
                .description("Queue depth entries of heartbeats that were not a queue name and a depth")
                .register(registry);
    }

    /**
     * Takes the depths of one heartbeat's adapter_health (as {@code Frame.Heartbeat.adapterHealth()}
     * holds it: string keys to string values); cheap, never blocks. Returns how many were taken.
     */
    public int report(UUID projectId, Map<String, ?> adapterHealth) {
        if (adapterHealth == null || adapterHealth.isEmpty()) {
            return 0;
        }
        int taken = 0;
        int keys = 0;
        for (Map.Entry<String, ?> e : new TreeMap<>(adapterHealth).entrySet()) {
            if (++keys > MAX_HEALTH_KEYS) {
                break;
            }
            String key = e.getKey();
            if (!key.endsWith(SUFFIX)) {
                continue;
            }
            String engine = key.substring(0, key.length() - SUFFIX.length());
            if (engine.isEmpty() || !FieldCaps.fits(engine, FieldCaps.ENGINE)) {
                rejected.increment();
                continue;
            }
            taken += depths(projectId, engine, e.getValue() instanceof String json ? json : null);
        }
        return taken;
    }

    private int depths(UUID projectId, String engine, String json) {
        JsonNode n;
        try {
            n = json == null ? null : JSON.readTree(json);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            rejected.increment();
            return 0;
        }
        int taken = 0;
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> q = it.next();
            sorted.put(q.getKey(), q.getValue());
        }
        for (Map.Entry<String, JsonNode> q : sorted.entrySet()) {
            if (taken >= MAX_QUEUES_PER_REPORT) {
                rejected.increment();
                break;
            }
            String queue = FieldCaps.reference(q.getKey());
            JsonNode depth = q.getValue();
            if (queue == null || StorableText.problem(queue) != null || !depth.isIntegralNumber()
                    || !depth.canConvertToInt() || depth.intValue() < 0) {
                rejected.increment();
                continue;
            }
            Key k = new Key(projectId, engine, queue);
            unwritten.put(k, depth.intValue());
            gauge(k).set(depth.intValue());
            taken++;
        }
        return taken;
    }

    private AtomicLong gauge(Key k) {
        AtomicLong value = gauges.get(k);
        if (value != null) {
            return value;
        }
        Set<String> gauged = gaugedPerProject.computeIfAbsent(k.project(), p -> ConcurrentHashMap.newKeySet());
        if (gauged.size() >= MAX_GAUGES_PER_PROJECT) {
            return new AtomicLong(); // stored for the stats page, but no more series for this project
        }
        return gauges.computeIfAbsent(k, key -> {
            gauged.add(key.engine() + "/" + key.queue());
            AtomicLong v = new AtomicLong();
            Gauge.builder("z4j_queue_depth", v, AtomicLong::get)
                    .description("Messages waiting in a queue, as its agent last reported")
                    .tag("project", key.project().toString()).tag("engine", key.engine()).tag("queue", key.queue())
                    .register(registry);
            return v;
        });
    }

    /** Writes the depths reported since the last flush; on failure keeps them for the next one. */
    public int flush() {
        flushing.lock();
        try {
            ConcurrentHashMap<Key, Integer> batch = unwritten;
            if (batch.isEmpty()) {
                return 0;
            }
            unwritten = new ConcurrentHashMap<>();
            List<Directory.QueueDepth> rows = new ArrayList<>(batch.size());
            batch.forEach((k, d) -> rows.add(new Directory.QueueDepth(k.project(), k.engine(), k.queue(), d)));
            try {
                directory.recordQueueDepths(rows);
                return rows.size();
            } catch (StoreException e) {
                LOG.log(Level.WARNING, "queue depth flush failed, will retry: {0}", e.getMessage());
                batch.forEach(unwritten::putIfAbsent); // a newer report wins
                return 0;
            }
        } finally {
            flushing.unlock();
        }
    }
}
