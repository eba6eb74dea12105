package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.JdbcRunner;
import dev.z4j.brain.store.read.JdbcWork;

/**
 * The operator reads on the primary, in two lanes: the reads a request waits for take one of the
 * {@code Z4J_DB_READS} slots; the recounts nobody waits for (a large project's counts, replaced in
 * the background) take a slot of their own. A recount of a busy project takes seconds, and the
 * stats page has two of them due at once: in the requests' lane they held both default slots and
 * every dashboard request waited seconds behind them (docs/TUNING.md).
 */
final class PrimaryReads implements JdbcRunner {
    /** Recounts at once: more would take the writer's share of the cores, and nobody waits for them. */
    static final int RECOUNTS_AT_ONCE = 1;

    private final Transactions transactions;
    private final ReadGate requests;
    private final ReadGate recounts;

    PrimaryReads(Transactions transactions, ReadGate requests, ReadGate recounts) {
        this.transactions = transactions;
        this.requests = requests;
        this.recounts = recounts;
    }

    @Override
    public <T> T read(String what, JdbcWork<T> work) throws StoreException {
        return requests.run(what, () -> transactions.inTransaction(what, work::run));
    }

    @Override
    public <T> T readInBackground(String what, JdbcWork<T> work) throws StoreException {
        return recounts.run(what, () -> transactions.inTransaction(what, work::run));
    }

    @Override
    public <T> T write(String what, JdbcWork<T> work) throws StoreException {
        return transactions.inTransaction(what, work::run);
    }

    ReadGate requests() {
        return requests;
    }

    ReadGate recounts() {
        return recounts;
    }
}
