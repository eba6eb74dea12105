package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.ingress.ws.WsEndpoint;
import dev.z4j.brain.ingress.ws.WsEndpoints;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A stopping server cuts every WebSocket, even one whose listener is stuck in a call that ignores
 * interrupts: a crash-stop (Brain.halt) relies on it to drop agent sockets, and a socket left
 * open would let its agent believe the brain is still there.
 */
class ServerStopCutsStuckSocketsTest {
    @Test
    void aListenerThatIgnoresInterruptsDoesNotKeepItsSocketOpen() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WsListener stuck = new WsListener() {
            @Override
            public void onMessage(WsSession session, String text, boolean last) {
                entered.countDown();
                boolean interrupted = false;
                while (release.getCount() > 0) { // swallows interrupts, as a blocked uninterruptible call would
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        WsEndpoints endpoints = new WsEndpoints(List.of(new WsEndpoint("/stuck", () -> stuck, 4096, 1009)));
        WebServer server = WebServer.builder()
                .host("127.0.0.1").port(0)
                .shutdownGracePeriod(Duration.ofMillis(200))
                .addConnectionSelector(endpoints.selector(Http1Config.create()))
                .build().start();
        try (RawWebSocket client = RawWebSocket.open(server.port(), "/stuck", null)) {
            client.send(RawWebSocket.TEXT, true, "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            server.stop();

            try {
                assertThat(client.serverClosed()).isTrue(); // reads until end of stream, 10 s at most
            } catch (java.net.SocketException reset) {
                // cut with a reset: closed too
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the socket was still open 10 s after the server stopped", stillOpen);
            }
        } finally {
            release.countDown();
            endpoints.close();
        }
    }
}
