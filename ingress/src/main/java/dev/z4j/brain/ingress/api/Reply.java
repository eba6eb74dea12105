package dev.z4j.brain.ingress.api;

import io.helidon.http.Status;

/** A response whose status differs from the route's default, or a non-JSON body. */
public record Reply(Status status, Object body, String contentType, String fileName) {

    public static Reply json(Status status, Object body) {
        return new Reply(status, body, null, null);
    }

    /** A file download ({@code Content-Disposition: attachment}). */
    public static Reply file(byte[] content, String contentType, String fileName) {
        return new Reply(Status.OK_200, content, contentType, fileName);
    }
}
