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

/** The bridge between Helidon and the handlers: a request as {@link ApiRequest}, a {@link Answer} or problem sent. */
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
                    // The status went out with the first bytes: all that is left is to cut the download short.
                    LOG.log(Level.WARNING, "export stopped by a store failure: {0}", e.getMessage());
                    throw new UncheckedIOException(new IOException("export interrupted: " + e.getMessage(), e));
                }
            }
        }
    }

    /** The error envelope: {@code {"error": code, "message": ..., "details": {...}}}. */
    public static void problem(ServerResponse res, ApiProblem p) {
        try {
            sendJson(res, p.status(), g -> {
                g.writeStartObject();
                g.writeStringField("error", p.code());
                g.writeStringField("message", p.getMessage());
                Json.object(g, "details", p.details());
                g.writeEndObject();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store failure as the envelope: an outage is a 503, a refusal of the data a 409 or 422. */
    public static void storeFailure(ServerResponse res, StoreException e) {
        if (e.transientFailure()) {
            LOG.log(Level.WARNING, "store failure in an API call: {0}", e.getMessage());
            problem(res, new ApiProblem(503, "unavailable", "database unavailable; retry shortly", Map.of()));
            return;
        }
        switch (e.refusal()) {
            case CONFLICT -> problem(res, new ApiProblem(409, "conflict", "already exists", Map.of()));
            case INVALID_DATA -> problem(res, new ApiProblem(422, "validation_error",
                    "the database refused a value of this request", Map.of()));
            default -> {
                LOG.log(Level.WARNING, "store error in an API call: {0}", e.getMessage());
                problem(res, new ApiProblem(500, "internal_error", "internal error; the server log has the details",
                        Map.of()));
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
