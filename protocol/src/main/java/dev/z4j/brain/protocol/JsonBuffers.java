package dev.z4j.brain.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * Where the brain's JSON parsers and writers borrow their char and byte buffers. Jackson's default
 * keeps one set per thread in a ThreadLocal; the brain parks one virtual thread per agent socket for
 * the socket's life, so that default pins about 8 KiB of buffers to every idle agent. One bounded
 * pool for the process keeps at most {@link #SETS} sets, whatever the number of sockets.
 */
public final class JsonBuffers {
    /** Sets kept for reuse; beyond it a parser allocates and the set is dropped on close. */
    public static final int SETS = 64;

    private static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.newBoundedPool(SETS);

    private JsonBuffers() {}

    /** A factory builder that already borrows from the shared pool. */
    public static JsonFactoryBuilder factory() {
        return (JsonFactoryBuilder) JsonFactory.builder().recyclerPool(POOL);
    }
}
