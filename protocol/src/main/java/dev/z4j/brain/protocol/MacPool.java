package dev.z4j.brain.protocol;

import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.Mac;

/**
 * HMAC-SHA256 instances keyed with one project secret, shared by every connection of that project.
 * A keyed Mac is about 625 bytes (its key pads and two SHA-256 states); one per connection was kept
 * for the socket's life although an idle agent verifies a heartbeat every few seconds. Borrowed per
 * frame here, 10,000 idle sockets of a project hold a handful.
 */
public final class MacPool {
    /** Instances kept for reuse: more than the threads that sign or verify at once for one project. */
    static final int KEPT = 16;

    private final byte[] key;
    private final ArrayBlockingQueue<Mac> idle = new ArrayBlockingQueue<>(KEPT);

    /** @param key the project secret; not copied, so the caller must not change it */
    public MacPool(byte[] key) {
        this.key = key;
        idle.offer(Secrets.newMac(key)); // fails now, not on the first frame, if the key is unusable
    }

    /** The raw HMAC of {@code length} bytes of {@code data} from {@code offset}. */
    byte[] hmac(byte[] data, int offset, int length) {
        Mac mac = idle.poll();
        if (mac == null) {
            mac = Secrets.newMac(key);
        }
        mac.update(data, offset, length);
        byte[] out = mac.doFinal(); // doFinal resets the Mac for its next use
        idle.offer(mac); // full: dropped for the GC
        return out;
    }
}
