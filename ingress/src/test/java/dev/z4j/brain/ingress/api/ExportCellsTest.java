package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExportCellsTest {

    @Test
    void cellsASpreadsheetWouldRunAsAFormulaGetALeadingApostrophe() {
        for (String attack : new String[] {"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"}) {
            assertThat(TaskExport.guard(attack)).as(attack).isEqualTo("'" + attack);
        }
        for (String fine : new String[] {"", "app.tasks.add", "a=b", " =x", "'quoted"}) {
            assertThat(TaskExport.guard(fine)).as(fine).isEqualTo(fine);
        }
    }

    @Test
    void argsAndResultsArePrintedAsPythonsStrDoes() throws Exception {
        assertThat(PyStr.str(Json.MAPPER.readTree("[1, \"x\", null, true, 2.5, {\"k\": \"it's\"}]")))
                .isEqualTo("[1, 'x', None, True, 2.5, {'k': \"it's\"}]");
        assertThat(PyStr.str(Json.MAPPER.readTree("{\"to\": \"a@b\", \"n\": [\"\\n\"]}")))
                .isEqualTo("{'to': 'a@b', 'n': ['\\n']}");
        assertThat(PyStr.str(Json.MAPPER.readTree("\"plain\""))).isEqualTo("plain");
        assertThat(PyStr.truthy(Json.MAPPER.readTree("[]"))).isFalse();
        assertThat(PyStr.truthy(Json.MAPPER.readTree("0"))).isFalse();
        assertThat(PyStr.truthy(Json.MAPPER.readTree("{\"a\":1}"))).isTrue();
    }

    @Test
    void fieldsChooseColumnsInTheExportsOwnOrderAndNamingNoneKnownIsA422() throws Exception {
        assertThat(TaskExport.of(null).columnNames()).containsExactly("task_id", "name", "state", "priority", "queue",
                "worker", "received_at", "started_at", "finished_at", "runtime_ms", "retry_count", "exception");
        assertThat(TaskExport.of("kwargs, task_id,bogus").columnNames()).containsExactly("task_id", "kwargs");
        assertThatThrownBy(() -> TaskExport.of("bogus")).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.details()).containsEntry("field", "fields"));
    }

    @Test
    void recentFailureExceptionsAreCutTo500CharactersWithoutSplittingAPair() {
        String emoji = "\uD83D\uDE00";
        assertThat(HomeApi.shortened("x".repeat(500))).hasSize(500);
        assertThat(HomeApi.shortened(emoji.repeat(501))).isEqualTo(emoji.repeat(500) + "\u2026");
        assertThat(HomeApi.shortened(null)).isNull();
    }
}
