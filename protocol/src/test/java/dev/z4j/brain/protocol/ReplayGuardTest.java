package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.z4j.brain.protocol.ProtocolException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final VectorsTest.MutableClock clock = new VectorsTest.MutableClock();
    private final ReplayGuard guard = new ReplayGuard(clock, clock::nanos);
    private final Instant t0 = Instant.parse("2026-05-11T09:30:00.123456Z");

    ReplayGuardTest() {
        clock.set(t0);
    }

    private String ts(Duration offset) {
        return Timestamps.format(t0.plus(offset));
    }

    private Reason rejection(Object seq, Object nonce, Object ts) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> guard.check(seq, nonce, ts));
        assertThat(e).as("expected a rejection").isNotNull();
        assertThat(e.isSignatureFailure()).isTrue();
        return e.reason();
    }

    @Test
    void acceptsIncreasingSeqWithGapsAndFreshNonces() {
        guard.check(1L, "n1", ts(Duration.ZERO));
        guard.check(2L, "n2", ts(Duration.ofSeconds(1)));
        guard.check(10L, "n3", ts(Duration.ofSeconds(-59)));
        assertThat(guard.lastSeq()).isEqualTo(10);
    }

    @Test
    void seqMustStrictlyIncrease() {
        guard.check(5L, "a", ts(Duration.ZERO));
        assertThat(rejection(5L, "b", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
        assertThat(rejection(4L, "c", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
        guard.check(6L, "d", ts(Duration.ZERO)); // rejected frames were not recorded
    }

    @Test
    void seqMustBeAPositiveInteger() {
        assertThat(rejection(0L, "a", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
        assertThat(rejection(1.0, "a", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
        assertThat(rejection("1", "a", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
        assertThat(rejection(null, "a", ts(Duration.ZERO))).isEqualTo(Reason.BAD_SEQ);
    }

    @Test
    void nonceMayNotRepeatWithinTheWindowEvenWithHigherSeq() {
        guard.check(1L, "same", ts(Duration.ZERO));
        assertThat(rejection(2L, "same", ts(Duration.ZERO))).isEqualTo(Reason.NONCE_REUSED);
        assertThat(rejection(3L, "", ts(Duration.ZERO))).isEqualTo(Reason.NONCE_REUSED);
        assertThat(rejection(3L, 42L, ts(Duration.ZERO))).isEqualTo(Reason.NONCE_REUSED);
    }

    @Test
    void nonceIsForgottenAfter180Seconds() {
        guard.check(1L, "old", ts(Duration.ZERO));
        clock.set(t0.plusSeconds(181));
        assertThatCode(() -> guard.check(2L, "old", Timestamps.format(t0.plusSeconds(181)))).doesNotThrowAnyException();
    }

    @Test
    void atMost4096NoncesAreRememberedOldestFirst() {
        for (int i = 1; i <= ReplayGuard.MAX_NONCES + 1; i++) {
            guard.check((long) i, "n" + i, ts(Duration.ZERO));
        }
        // n1 was evicted by the 4097th; n2 is still remembered.
        assertThatCode(() -> guard.check(5000L, "n1", ts(Duration.ZERO))).doesNotThrowAnyException();
        assertThat(rejection(5001L, "n3", ts(Duration.ZERO))).isEqualTo(Reason.NONCE_REUSED);
    }

    @Test
    void aNonceIsRememberedForTheWholeWindowAcrossGrowingAndShrinking() {
        // 600 nonces in a burst (the ring grows), then a quiet minute, then the window passes for the
        // burst (the ring shrinks): every nonce still in its 180 s is refused at every step.
        for (int i = 1; i <= 600; i++) {
            guard.check((long) i, "burst" + i, ts(Duration.ZERO));
        }
        clock.set(t0.plusSeconds(60));
        guard.check(601L, "later", ts(Duration.ofSeconds(60)));
        assertThat(rejection(602L, "burst1", ts(Duration.ofSeconds(60)))).isEqualTo(Reason.NONCE_REUSED);
        assertThat(rejection(602L, "burst600", ts(Duration.ofSeconds(60)))).isEqualTo(Reason.NONCE_REUSED);
        clock.set(t0.plusSeconds(200)); // the burst is 200 s old, "later" 140 s
        guard.check(602L, "burst1", ts(Duration.ofSeconds(200)));
        assertThat(rejection(603L, "later", ts(Duration.ofSeconds(200)))).isEqualTo(Reason.NONCE_REUSED);
        for (int i = 0; i < 50; i++) {
            guard.check(603L + i, "after" + i, ts(Duration.ofSeconds(200)));
        }
        assertThat(rejection(700L, "after0", ts(Duration.ofSeconds(200)))).isEqualTo(Reason.NONCE_REUSED);
        assertThat(rejection(700L, "burst1", ts(Duration.ofSeconds(200)))).isEqualTo(Reason.NONCE_REUSED);
        assertThat(rejection(700L, "later", ts(Duration.ofSeconds(200)))).isEqualTo(Reason.NONCE_REUSED);
    }

    /**
     * What a guard keeps once its session idles: an agent socket lives for hours, most of them
     * sending a heartbeat pair every 10 s (36 nonces in the window), some after a burst of frames.
     */
    @Test
    void anIdleSessionKeepsLittleWhateverBurstItHadBefore() throws Exception {
        double idle = idleGuardBytes(0);
        double afterBurst = idleGuardBytes(ReplayGuard.MAX_NONCES);
        System.out.printf("an idle session's replay guard: %.0f bytes; after a burst: %.0f bytes%n", idle, afterBurst);
        // 36 nonces at 12 bytes each in a ring of at most 54; 64 slots of 16 bytes before
        assertThat(idle).as("bytes an idle session's guard keeps").isLessThan(800);
        // a burst's 4096 x 16 bytes were kept for good before
        assertThat(afterBurst).as("bytes an idle session's guard keeps after a burst").isLessThan(900);
    }

    /** Bytes per guard after {@code burst} nonces, then 400 s of a heartbeat pair every 10 s. */
    private double idleGuardBytes(int burst) throws Exception {
        int sessions = 200;
        List<ReplayGuard> guards = new ArrayList<>();
        clock.set(t0);
        long before = Heap.usedAfterGc();
        for (int g = 0; g < sessions; g++) {
            guards.add(new ReplayGuard(clock, clock::nanos));
        }
        long seq = 1;
        for (ReplayGuard guard : guards) {
            for (int i = 0; i < burst; i++) {
                guard.check(seq++, "b" + i, ts(Duration.ZERO));
            }
        }
        for (int s = 10; s <= 400; s += 10) {
            clock.set(t0.plusSeconds(s));
            for (ReplayGuard guard : guards) {
                guard.check(seq++, "hb" + s, ts(Duration.ofSeconds(s)));
                guard.check(seq++, "hbb" + s, ts(Duration.ofSeconds(s)));
            }
        }
        double perSession = (double) (Heap.usedAfterGc() - before) / sessions;
        assertThat(guards).hasSize(sessions);
        return perSession;
    }

    @Test
    void tsSkewBeyond60SecondsIsRejectedBothWays() {
        assertThat(rejection(1L, "a", ts(Duration.ofSeconds(-61)))).isEqualTo(Reason.STALE_TS);
        assertThat(rejection(1L, "b", ts(Duration.ofSeconds(61)))).isEqualTo(Reason.STALE_TS);
        guard.check(1L, "c", ts(Duration.ofSeconds(60)));
        guard.check(2L, "d", ts(Duration.ofSeconds(-60)));
    }

    @Test
    void tsMustBeTimezoneAwareIso() {
        assertThat(rejection(1L, "a", "2026-05-11T09:30:00.123456")).isEqualTo(Reason.BAD_TS);
        assertThat(rejection(1L, "a", "yesterday")).isEqualTo(Reason.BAD_TS);
        assertThat(rejection(1L, "a", null)).isEqualTo(Reason.BAD_TS);
        assertThat(rejection(1L, "a", 1778491800L)).isEqualTo(Reason.BAD_TS);
        guard.check(1L, "b", "2026-05-11T09:30:00.123456+00:00");
        guard.check(2L, "c", "2026-05-11T11:30:00.123456+02:00");
    }
}
