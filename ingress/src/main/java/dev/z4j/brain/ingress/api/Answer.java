package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;

/** What a handler answers: a JSON document, or a file streamed as it is read from the store. */
public sealed interface Answer {

    int status();

    /** A JSON document written by {@code body}. */
    record Json(int status, Body body) implements Answer {}

    /** A download ({@code Content-Disposition: attachment}) written while the rows are read. */
    record File(int status, String contentType, String fileName, Stream body) implements Answer {}

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes a file's bytes; may read the store as it goes. */
    @FunctionalInterface
    interface Stream {
        void write(OutputStream out) throws IOException, StoreException;
    }

    static Answer ok(Body body) {
        return new Json(200, body);
    }

    static Answer accepted(Body body) {
        return new Json(202, body);
    }
}
