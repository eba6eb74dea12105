package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private static ApiRequest query(String name, String value) {
        return ApiRequest.of(Map.of(), Map.of(name, List.of(value)));
    }

    @Test
    void limitAccepts1To5000AndServesAtMost500() throws Exception {
        assertThat(Params.limit(ApiRequest.of(Map.of(), Map.of()))).isEqualTo(50);
        assertThat(Params.limit(query("limit", "7"))).isEqualTo(7);
        assertThat(Params.limit(query("limit", "5000"))).isEqualTo(500);
        for (String bad : List.of("0", "5001", "-1", "ten", "")) {
            assertThatThrownBy(() -> Params.limit(query("limit", bad))).as(bad)
                    .isInstanceOfSatisfying(ApiProblem.class, p -> {
                        assertThat(p.status()).isEqualTo(422);
                        assertThat(p.details()).containsEntry("field", "limit");
                        assertThat(p.getMessage()).startsWith("limit must be an integer 1..5000");
                    });
        }
    }

    @Test
    void timesTakeAnOffsetOrMeanUtc() throws Exception {
        assertThat(Params.time(query("since", "2026-05-01T09:00:00+02:00"), "since"))
                .isEqualTo(Instant.parse("2026-05-01T07:00:00Z"));
        assertThat(Params.time(query("since", "2026-05-01T09:00:00"), "since"))
                .isEqualTo(Instant.parse("2026-05-01T09:00:00Z"));
        assertThatThrownBy(() -> Params.time(query("until", "yesterday"), "until"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.details()).containsEntry("field", "until"));
    }

    @Test
    void textsAreCappedAndMustBeStorable() throws Exception {
        assertThat(Params.text(query("search", "x".repeat(200)), "search", 200)).hasSize(200);
        assertThatThrownBy(() -> Params.text(query("search", "x".repeat(201)), "search", 200))
                .isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> Params.text(query("search", "a\u0000b"), "search", 200))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.getMessage()).contains("NUL"));
        assertThat(Params.text(query("search", ""), "search", 200)).isNull();
    }
}
