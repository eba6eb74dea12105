package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.JdbcRunner;
import dev.z4j.brain.store.read.JdbcWork;

/**
 * The operator reads on the primary. Each takes one of the {@code Z4J_DB_READS} slots, so that
 * bound holds for everything the operator API runs there; a recount nobody waits for (a large
 * project's counts, replaced in the background) first takes the one recount slot, so recounts
 * hold at most one read slot at a time. A recount of a busy project takes seconds and the stats
 * and home pages have several due together: when each could take a read slot, they could hold
 * both default slots and every dashboard request would wait seconds behind them (docs/TUNING.md).
 */
final class PrimaryReads implements JdbcRunner {
    /** Read slots recounts may hold at once: the others stay the requests'. */
    static final int RECOUNTS_AT_ONCE = 1;

    private final Transactions transactions;
    private final ReadGate reads;
    private final ReadGate recounts;

    PrimaryReads(Transactions transactions, ReadGate reads, ReadGate recounts) {
        this.transactions = transactions;
        this.reads = reads;
        this.recounts = recounts;
    }

    @Override
    public <T> T read(String what, JdbcWork<T> work) throws StoreException {
        return reads.run(what, () -> transactions.autoCommitted(what, work::run));
    }

    // in a transaction: ReadDialect.gently sets its planner setting for the transaction only
    @Override
    public <T> T readInBackground(String what, JdbcWork<T> work) throws StoreException {
        return recounts.run(what, () -> reads.run(what, () -> transactions.inTransaction(what, work::run)));
    }

    @Override
    public <T> T write(String what, JdbcWork<T> work) throws StoreException {
        return transactions.inTransaction(what, work::run);
    }

    ReadGate reads() {
        return reads;
    }

    ReadGate recounts() {
        return recounts;
    }
}
