package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {
    /** A step at {@code rate} and whether it passed. */
    record Step(double rate, boolean passed) implements Ladder.Outcome {}

    /** Passes every step at or below {@code limit}; records every run. */
    static final class Brain implements Ladder.Probe<Step> {
        final double limit;
        final List<String> runs = new ArrayList<>();
        /** The first counted run at this rate fails whatever the limit (one noisy sample, JIT warm-up). */
        double flakyOnceAt = -1;
        boolean warmupFails;

        Brain(double limit) {
            this.limit = limit;
        }

        @Override
        public Step run(double rate, Ladder.Kind kind, int index) {
            runs.add(kind.label + "@" + Math.round(rate));
            boolean pass = rate <= limit;
            if (kind == Ladder.Kind.WARMUP && warmupFails) {
                pass = false;
            }
            if (kind == Ladder.Kind.STEP && rate == flakyOnceAt) {
                flakyOnceAt = -1;
                pass = false;
            }
            return new Step(rate, pass);
        }
    }

    private static final Ladder.Plan PLAN = new Ladder.Plan(2000, 1.6, 7, 2, 250);

    @Test
    void warmsUpAtTheFirstRateAndNeverCountsTheWarmUp() throws Exception {
        Brain brain = new Brain(3000);
        brain.warmupFails = true; // a cold brain missing the bar must not decide anything

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        assertThat(brain.runs.get(0)).isEqualTo("warm-up@2000");
        assertThat(r.attempts().get(0).counted()).isFalse();
        assertThat(r.found()).isTrue();
        assertThat(r.best().kind()).isNotEqualTo(Ladder.Kind.WARMUP);
        assertThat(brain.runs.get(1)).isEqualTo("step@2000");
        assertThat(r.best().rate()).isEqualTo(2900); // 2000 passed although its warm-up failed; 3200 fails; bisected
    }

    @Test
    void aFirstStepMissedByOneSampleIsRetriedAndTheLadderGoesOn() throws Exception {
        Brain brain = new Brain(9000);
        brain.flakyOnceAt = 2000; // issue 12: 2000 ev/s missed the bar once, the report said 0

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        assertThat(brain.runs).startsWith("warm-up@2000", "step@2000", "retry@2000", "step@3200");
        assertThat(r.found()).isTrue();
        assertThat(r.best().rate()).isGreaterThan(5000).isLessThanOrEqualTo(9000);
    }

    @Test
    void aStepCountsAsFailedOnlyAfterItsRetryFailsToo() throws Exception {
        Brain brain = new Brain(3000);

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        // 2000 passes, 3200 fails twice, then two bisections: 2600 passes, 2900 passes
        assertThat(brain.runs).containsExactly("warm-up@2000", "step@2000", "step@3200", "retry@3200",
                "step@2600", "step@2900");
        assertThat(r.best().rate()).isEqualTo(2900);
        assertThat(r.nearestFailure().rate()).isEqualTo(3200);
        assertThat(r.nearestFailure().kind()).isEqualTo(Ladder.Kind.RETRY);
    }

    @Test
    void searchesDownwardWhenTheFirstStepFails() throws Exception {
        Brain brain = new Brain(600);

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        // 2000 fails twice -> 1250 fails twice -> 781 fails twice -> 488 passes; bisect 488..781
        assertThat(brain.runs).containsExactly("warm-up@2000", "step@2000", "retry@2000", "step@1250",
                "retry@1250", "step@781", "retry@781", "step@488", "step@635", "retry@635", "step@562");
        assertThat(r.found()).isTrue();
        assertThat(r.best().rate()).isBetween(550.0, 600.0);
        assertThat(r.ceilingNotReached()).isFalse();
    }

    @Test
    void nothingPassingDownToTheFloorIsNotAFigure() throws Exception {
        Brain brain = new Brain(100); // below the floor of 250

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        assertThat(r.found()).isFalse();
        assertThat(r.best()).isNull();
        assertThat(r.lowestRateTried()).isEqualTo(250);
        // the floor itself is tried (and retried), nothing below it
        assertThat(brain.runs).endsWith("step@250", "retry@250");
        assertThat(r.attempts()).allSatisfy(a -> assertThat(a.rate()).isGreaterThanOrEqualTo(250));
    }

    @Test
    void everyStepPassingIsALowerBoundNotALimit() throws Exception {
        Brain brain = new Brain(1e9);

        Ladder.Result<Step> r = Ladder.search(PLAN, brain);

        assertThat(r.ceilingNotReached()).isTrue();
        assertThat(r.attempts().stream().filter(Ladder.Attempt::counted)).hasSize(7);
        assertThat(r.best().rate()).isCloseTo(2000 * Math.pow(1.6, 6), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aPlanThatCannotSearchIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Ladder.Plan(100, 1.0, 5, 2, 10))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Ladder.Plan(100, 1.5, 5, 2, 200))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
