package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadsPhaseTest {

    @Test
    void optionsDefaultToTheIssuesSizeAndRejectWhatCannotBeSeeded() {
        ReadsPhase.Options o = ReadsPhase.Options.parse(new String[] {"--only", "reads"});
        assertThat(o.shape()).isEqualTo(new ReadsSeed.Shape(5_000_000, 4, 30));
        assertThat(o.readers()).isEqualTo(8);
        assertThat(o.ingestRate()).as("without --ingest-rate: half the capacity measured on the seeded brain")
                .isEqualTo(ReadsPhase.HALF_MEASURED);
        assertThat(ReadsPhase.Options.parse(new String[] {"--ingest-rate", "6000"}).ingestRate()).isEqualTo(6000);
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--ingest-rate", "-5"}))
                .hasMessageContaining("--ingest-rate: events per second, 0 for none, was -5");
        assertThat(ReadsPhase.Options.parse(new String[] {"--tasks", "300000", "--events", "1200000",
                "--ingest-rate", "0"}).ingestRate()).isZero();
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--tasks", "300", "--events", "1000"}))
                .hasMessageContaining("--events: a multiple of --tasks (300)");
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--readers", "x"}))
                .hasMessageContaining("--readers: a whole number");
        assertThat(o.readRate()).as("the paced round's requests per second").isEqualTo(40);
        assertThat(ReadsPhase.Options.parse(new String[] {"--read-rate", "0"}).readRate()).isZero();
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--read-rate", "-1"}))
                .hasMessageContaining("--read-rate: requests per second, 0 for no paced round, was -1");
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--tasks", "10"}).shape())
                .hasMessageContaining("--tasks: at least one task a day (30), was 10");
    }

    @Test
    void theReplicaStepHasItsOwnDefaultsAndNeedsPacedReadsUnderIngest() {
        ReadsPhase.Options o = ReadsPhase.Options.parse(new String[] {"--only", "replica"}, ReplicaReadsPhase.TASKS,
                ReplicaReadsPhase.EVENTS, ReplicaReadsPhase.INGEST_RATE);
        assertThat(o.shape()).isEqualTo(new ReadsSeed.Shape(500_000, 4, 30));
        assertThat(o.ingestRate()).isEqualTo(2000);
        assertThat(o.readRate()).isEqualTo(40);
        assertThatThrownBy(() -> ReplicaReadsPhase.run(null, null, null, ReadsPhase.Options.parse(
                new String[] {"--read-rate", "0"}, 1000, 4000, 2000), null, "c", System.out))
                .hasMessageContaining("--read-rate and --ingest-rate: at least 1 for --only replica");
    }

    @Test
    void aRoundStartsOnlyOnceTheBrainHasStoppedCommittingWhatTheLastLoadLeftIt() throws Exception {
        // commits move on each of the first 5 reads (a backlog being persisted), then stop
        AtomicInteger reads = new AtomicInteger();
        ReadsPhase.Counter commits = () -> Math.min(reads.incrementAndGet(), 5);

        Duration moved = ReadsPhase.awaitNoCommits(commits, Duration.ofMillis(100), Duration.ofSeconds(10),
                Duration.ofMillis(10), "brain");

        assertThat(moved).as("it moved until the 5th read, 4 polls in").isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(reads.get()).as("then stood still for the idle time, 10 more polls").isGreaterThanOrEqualTo(5 + 10);

        ReadsPhase.Counter busy = () -> reads.incrementAndGet();
        assertThatThrownBy(() -> ReadsPhase.awaitNoCommits(busy, Duration.ofMillis(100), Duration.ofMillis(300),
                Duration.ofMillis(10), "brain-x")).hasMessageContaining("brain-x was still committing batches");
    }

    @Test
    void theIngestRateSaysWhichStepsItWasHalvedFrom() throws Exception {
        // kept up to 6400 ev/s (its first try failed), fell behind at 10240 twice, then bisected
        EndToEnd.Search search = new EndToEnd.Search(ReadsPhase.CAPACITY, Ladder.search(ReadsPhase.CAPACITY.plan(),
                (rate, kind, i) -> result(rate, rate <= 7000 && !(rate == 6400 && kind == Ladder.Kind.STEP))));
        assertThat(search.sustained()).isEqualTo(6400);
        assertThat(ReadsPhase.steps(search)).isEqualTo("steps at ev/s: 4000 kept up, 6400 kept up on its retry, "
                + "10240 fell behind twice, 8320 fell behind twice, 7360 fell behind twice");
    }

    @Test
    void pacedRequestsAreTimedFromWhenTheyWereDueSoAQueueAtTheServerCountsInFull() throws Exception {
        // one server thread taking 100 ms a request, offered 20 a second for 2 s: 40 requests, about
        // 4 s of work, so the last ones wait about 2 s in the queue. Timed from their send (or by a
        // closed loop, which would only send the next after the answer) all would look like 100 ms.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        // the server's capacity: one request at a time, 100 ms each (a sleep lasts at least that
        // long, so every answer is over 50 ms whatever the phase of the client's schedule)
        server.createContext("/api/v1/slow", exchange -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/api/v1/busy", exchange -> {
            byte[] body = "{\"detail\":\n \"database busy\"}".getBytes();
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ReadLoad load = new ReadLoad(server.getAddress().getPort(), "key");
            List<ReadLoad.Figures> figures = load.runPaced(List.of(new ReadLoad.Endpoint("slow", "list", () -> "/slow")),
                    20, Duration.ZERO, Duration.ofSeconds(2), 50);
            ReadLoad.Figures f = figures.getFirst();
            assertThat(f.count()).isEqualTo(40);
            assertThat(f.errors()).isZero();
            assertThat(f.p50Ms()).isGreaterThan(500);
            assertThat(f.maxMs()).isGreaterThan(1500);
            assertThat(load.takeRefusals()).isEmpty();
            // every answer took over 50 ms, and each is placed in the second it was due (the queue
            // makes the last second's the slowest)
            assertThat(load.takeSlowSeconds()).startsWith("40 over 50 ms in 2 of 2 s: s0 20 (max ").contains(", s1 20 (max ");
            // a refusal is counted as an error and named with its status and body, not timed
            List<ReadLoad.Figures> busy = load.runPaced(List.of(new ReadLoad.Endpoint("busy", "list", () -> "/busy")),
                    20, Duration.ZERO, Duration.ofMillis(500), 50);
            assertThat(busy.getFirst().errors()).isEqualTo(10);
            assertThat(busy.getFirst().count()).isZero();
            assertThat(load.takeRefusals()).isEqualTo("503 x10 ({\"detail\": \"database busy\"})");
            assertThat(load.takeSlowSeconds()).isEqualTo("none over 50 ms");
        } finally {
            server.stop(0);
        }
    }

    private static LoadGen.Result result(double rate, boolean keptUp) {
        return new LoadGen.Result("x", rate, 0, 15, (long) (rate * 15), (long) (rate * 15), 0, 12, keptUp ? 300 : 1500, "");
    }

    @Test
    void theSectionIsReplacedBetweenItsMarkersAndReadBackForAFullRunToKeep(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("CAPACITY.md");
        Files.writeString(report, "# Capacity\n\nfigures\n");
        assertThat(ReadsPhase.section(report)).isNull();
        SocketPhases.write(report, "## Reads\n\nfirst\n", ReadsPhase.BEGIN, ReadsPhase.END);
        SocketPhases.write(report, "## Reads\n\nsecond\n", ReadsPhase.BEGIN, ReadsPhase.END);
        String text = Files.readString(report);
        assertThat(text).startsWith("# Capacity\n\nfigures\n").contains("second").doesNotContain("first");
        assertThat(ReadsPhase.section(report)).isEqualTo("## Reads\n\nsecond\n");
        // what Capacity does on a full run: overwrite the report, then put the kept section back
        String kept = ReadsPhase.section(report);
        Files.writeString(report, "# Capacity\n\nnew figures\n");
        SocketPhases.write(report, kept, ReadsPhase.BEGIN, ReadsPhase.END);
        assertThat(ReadsPhase.section(report)).isEqualTo("## Reads\n\nsecond\n");
    }
}
