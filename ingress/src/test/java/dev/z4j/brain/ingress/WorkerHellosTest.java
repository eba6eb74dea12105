package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hellos of a connect storm reach a real SQLite directory in a few transactions, none lost. */
class WorkerHellosTest {
    @TempDir
    Path home;

    /** The real directory, with its batch write counted, held at a latch, and refusing worker "bad". */
    private static Directory watched(Directory real, AtomicInteger batches, CountDownLatch release) {
        return (Directory) Proxy.newProxyInstance(Directory.class.getClassLoader(), new Class<?>[] {Directory.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("workersConnected")) {
                        batches.incrementAndGet();
                        release.await(10, TimeUnit.SECONDS);
                        @SuppressWarnings("unchecked")
                        List<Directory.Connected> rows = (List<Directory.Connected>) args[0];
                        if (rows.stream().anyMatch(c -> "bad".equals(c.hello().workerId()))) {
                            throw new StoreException("refused: worker bad", false, null);
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Directory.WorkerHello hello(UUID agent, UUID project, String worker) {
        return new Directory.WorkerHello(agent, project, worker, "task", "celery", 1, null, "2", "1.6.7",
                "[\"celery\"]", "[]", "{}", "{\"name\":\"h\"}");
    }

    @Test
    void aThousandHellosTakeAFewTransactionsAndAllLand() throws Exception {
        try (Database db = Databases.open(new DatabaseConfig(null, home, 5_000, 2))) {
            db.migrate();
            UUID project = db.directory().createProject("storm", "Storm").id();
            UUID agent = db.directory().createAgent(project, "a", "token-hash").id();
            AtomicInteger batches = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            WorkerHellos hellos = new WorkerHellos(watched(db.directory(), batches, release));
            try {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    done.add(hellos.connected(hello(agent, project, "w" + i), Instant.now()));
                }
                release.countDown(); // the first write was held until all 1000 were queued
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertThat(batches.get()).as("transactions for 1000 hellos").isBetween(1, 4);
                assertThat(db.directory().stats(project).workersOnline()).isEqualTo(1000);
            } finally {
                hellos.close();
            }
        }
    }

    @Test
    void aRowThatCannotBeWrittenFailsAloneAndTheOthersLand() throws Exception {
        try (Database db = Databases.open(new DatabaseConfig(null, home, 5_000, 2))) {
            db.migrate();
            UUID project = db.directory().createProject("storm", "Storm").id();
            UUID agent = db.directory().createAgent(project, "a", "token-hash").id();
            CountDownLatch release = new CountDownLatch(1);
            WorkerHellos hellos = new WorkerHellos(watched(db.directory(), new AtomicInteger(), release));
            try {
                CompletableFuture<Void> good1 = hellos.connected(hello(agent, project, "good-1"), Instant.now());
                CompletableFuture<Void> bad = hellos.connected(hello(agent, project, "bad"), Instant.now());
                CompletableFuture<Void> good2 = hellos.connected(hello(agent, project, "good-2"), Instant.now());
                release.countDown();
                good1.get(10, TimeUnit.SECONDS);
                good2.get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
                assertThat(db.directory().stats(project).workersOnline()).isEqualTo(2);
            } finally {
                hellos.close();
            }
        }
    }

    @Test
    void afterCloseAHelloFailsAtOnceInsteadOfWaitingForever() throws Exception {
        try (Database db = Databases.open(new DatabaseConfig(null, home, 5_000, 2))) {
            db.migrate();
            WorkerHellos hellos = new WorkerHellos(db.directory());
            hellos.close();
            CompletableFuture<Void> late = hellos.connected(hello(UUID.randomUUID(), UUID.randomUUID(), "w"), Instant.now());
            assertThat(late).isCompletedExceptionally();
        }
    }
}
