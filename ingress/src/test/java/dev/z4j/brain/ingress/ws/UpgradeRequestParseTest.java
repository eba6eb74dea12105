package dev.z4j.brain.ingress.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.HeaderNames;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The agent port's request-head parser: what it accepts it reads back exactly; nothing else gets through. */
class UpgradeRequestParseTest {

    record Head(String method, String path, String query, List<String[]> fields) {
        String text() {
            StringBuilder t = new StringBuilder(method).append(' ').append(path)
                    .append(query.isEmpty() ? "" : "?" + query).append(" HTTP/1.1");
            for (String[] f : fields) {
                t.append("\r\n").append(f[0]).append(":").append(f[1]);
            }
            return t.toString();
        }
    }

    @Provide
    Arbitrary<Head> heads() {
        Arbitrary<String> token = Arbitraries.strings().withChars("abcXYZ019-_.!#$%&'*+^`|~").ofMinLength(1).ofMaxLength(12);
        // Segments are never empty: Helidon's URI decoder reads a leading "///" as an empty authority
        // and refuses it on both ports alike (malformedLinesAreRefused).
        Arbitrary<String> segment = Arbitraries.strings().withChars("abcdefgxyz0123456789-_~").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> path = Combinators.combine(segment.list().ofMaxSize(4), Arbitraries.of("", "/"))
                .as((segments, end) -> "/" + String.join("/", segments) + (segments.isEmpty() ? "" : end));
        Arbitrary<String> query = Arbitraries.strings().withChars("abcxyz019=&").ofMaxLength(20);
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40);
        Arbitrary<String[]> field = Combinators.combine(token, value, Arbitraries.of("", " ", "  "))
                .as((n, v, pad) -> new String[] {n, pad + v + pad});
        return Combinators.combine(Arbitraries.of("GET", "POST", "PUT"), path, query, field.list().ofMaxSize(8))
                .as(Head::new);
    }

    @Property
    void aWellFormedHeadIsReadBackExactly(@ForAll("heads") Head head) {
        WsPort.Request r = WsPort.Request.parse(head.text());
        assertThat(r).isNotNull();
        assertThat(r.prologue().method().text()).isEqualTo(head.method());
        assertThat(r.prologue().uriPath().rawPath()).isEqualTo(head.path());
        assertThat(r.prologue().query().rawValue()).isEqualTo(head.query());
        for (String[] f : head.fields()) {
            assertThat(r.headers().all(HeaderNames.create(f[0]), List::of)).contains(f[1].strip());
        }
    }

    @Property
    void anythingElseIsRefusedNeverThrown(@ForAll @StringLength(max = 200) String junk) {
        WsPort.Request r = WsPort.Request.parse(junk);
        if (r != null) { // only a head with a proper request line can pass
            assertThat(junk).matches("(?s)[!-~]+ /[!-~]* HTTP/1\\.1(\r\n.*)?");
        }
    }

    @Test
    void malformedLinesAreRefused() {
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.0")).as("HTTP/1.0").isNull();
        assertThat(WsPort.Request.parse("GET ws/agent HTTP/1.1")).as("not origin-form").isNull();
        assertThat(WsPort.Request.parse("GET  /ws/agent HTTP/1.1")).as("two spaces").isNull();
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.1\r\nHost : x")).as("space before colon").isNull();
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.1\r\nHost: x\r\n folded")).as("obs-fold").isNull();
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.1\r\n: x")).as("no name").isNull();
        assertThat(WsPort.Request.parse("G(T /ws/agent HTTP/1.1")).as("method not a token").isNull();
        assertThat(WsPort.Request.parse("GET /ws/%zzagent HTTP/1.1")).as("a bad percent escape").isNull();
        assertThat(WsPort.Request.parse("GET /ws/a\ngent HTTP/1.1")).as("a control in the target").isNull();
        assertThat(WsPort.Request.parse("GET /// HTTP/1.1")).as("an empty authority to Helidon's decoder").isNull();
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.1\r\nX: a\rb")).as("a bare CR in a value").isNull();
        assertThat(WsPort.Request.parse("GET /ws/agent HTTP/1.1\r\nAuthorization:  Bearer abc ").headers()
                .first(HeaderNames.AUTHORIZATION)).hasValue("Bearer abc");
    }
}
