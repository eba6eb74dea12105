package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.z4j.brain.store.StoreException;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bridge between Helidon and the read handlers: a request as {@link ApiRequest}, an {@link Answer}
 * sent. Refusals are the route table's ({@link ReadRoutes#envelope}).
 */
public final class HelidonReplies {
    private static final Logger LOG = Logger.getLogger(HelidonReplies.class.getName());

    private HelidonReplies() {}

    /** Path and query parameters, and the body when {@code withBody} (its size is capped by the server). */
    public static ApiRequest request(ServerRequest req, boolean withBody) {
        byte[] body = new byte[0];
        if (withBody && req.content().hasEntity()) {
            try {
                body = req.content().as(byte[].class);
            } catch (DataReader.InsufficientDataAvailableException | UncheckedIOException e) {
                throw new CloseConnectionException("client went away while sending the request body", e);
            }
        }
        return new ApiRequest(req.path().pathParameters().toMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getFirst())),
                req.query().toMap(), body);
    }

    public static void send(ServerResponse res, Answer reply) throws IOException {
        switch (reply) {
            case Answer.Json json -> sendJson(res, json.status(), json.body());
            case Answer.File file -> {
                res.status(Status.create(file.status()))
                        .header(HeaderNames.CONTENT_TYPE, file.contentType())
                        .header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + file.fileName() + "\"");
                try (OutputStream out = res.outputStream()) {
                    file.body().write(out);
                } catch (StoreException e) {
                    // The status went out with the first bytes: all that is left is to cut the download short
                    // (closing the connection, so the client sees a truncated body, never a complete-looking one).
                    LOG.log(Level.WARNING, "export stopped by a store failure: {0}", e.getMessage());
                    throw new CloseConnectionException("export interrupted: " + e.getMessage(), e);
                }
            }
        }
    }

    private static void sendJson(ServerResponse res, int status, Answer.Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
            body.write(g);
        }
        res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json").send(bytes.toByteArray());
    }
}
