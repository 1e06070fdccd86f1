package io.noa.realtime;

import io.noa.realtime.internal.Redaction;
import java.time.Duration;
import java.util.Optional;

/**
 * The server answered with an HTTP status that ends the request: a non-2xx status before the
 * stream, a 204 for an event source, or a 2xx with the wrong content type (see
 * {@link #status()}). Carries the parsed error body when the server sent one, and the delay the
 * server asked for in {@code retry-after-ms} or {@code Retry-After}.
 */
public class HttpStatusException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String bodyExcerpt;
    private final transient Duration retryAfter;
    private final transient ErrorDetail error;

    /**
     * Creates the exception.
     *
     * @param target the URL, already redacted
     * @param status the HTTP status
     * @param bodyExcerpt the start of the response body, may be empty
     * @param retryAfter the delay the server asked for, or {@code null}
     * @param error the parsed error body, or {@code null}
     */
    public HttpStatusException(String target, int status, String bodyExcerpt, Duration retryAfter, ErrorDetail error) {
        super(message(target, status, bodyExcerpt, error));
        this.status = status;
        this.bodyExcerpt = bodyExcerpt == null ? "" : Redaction.excerpt(bodyExcerpt);
        this.retryAfter = retryAfter;
        this.error = error;
    }

    private static String message(String target, int status, String body, ErrorDetail error) {
        StringBuilder sb = new StringBuilder("HTTP ").append(status).append(" from ").append(target);
        if (error != null) {
            sb.append(": ").append(Redaction.excerpt(error.message()));
            error.type().ifPresent(t -> sb.append(" (type ").append(t).append(')'));
            error.code().ifPresent(c -> sb.append(" (code ").append(c).append(')'));
        } else if (body != null && !body.isBlank()) {
            sb.append(": ").append(Redaction.excerpt(body));
        }
        if (status == 204) {
            sb.append(". The server asked the client to stop (no content); it will not reconnect");
        } else if (status == 401 || status == 403) {
            sb.append(". Check the API key or credentials");
        } else if (status == 404) {
            sb.append(". Check the URL");
        } else if (status == 429) {
            sb.append(". Rate limited: slow down or check your quota");
        }
        return sb.toString();
    }

    /**
     * The HTTP status.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The start of the response body.
     *
     * @return at most 200 characters, possibly empty
     */
    public String bodyExcerpt() {
        return bodyExcerpt;
    }

    /**
     * The delay the server asked for before a retry.
     *
     * @return the delay from {@code retry-after-ms} or {@code Retry-After}, if sent
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The parsed error body.
     *
     * @return the error, if the body had a recognised error shape
     */
    public Optional<ErrorDetail> error() {
        return Optional.ofNullable(error);
    }
}
