package io.noa.realtime.sse;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.TransportException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.Futures;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP steps of opening an event stream, written once for every transport: the redirect
 * policy, the error body of a failed response ({@link HttpStatusException}), and reading a small
 * whole body. {@link EventStreamCall} drives them.
 */
final class HttpExchange {
    /** Most redirects followed for one request. */
    static final int MAX_REDIRECTS = 10;
    private static final int MAX_ERROR_BODY = 8 * 1024;
    private static final Duration ERROR_BODY_TIMEOUT = Duration.ofSeconds(5);

    private HttpExchange() {}

    /**
     * The request to send next if {@code resp} is a redirect to follow: 301/302/303/307/308 with
     * a {@code Location} that is not empty (an empty or blank one counts as missing, so the 3xx
     * is the final response and becomes an {@link io.noa.realtime.HttpStatusException}). A 303 (and a 301/302 answering a POST) becomes a GET without body.
     * Every credential header is dropped when a redirect leaves the origin (scheme, host or port
     * changes): every name {@link Redaction#isSecretHeader(String)} knows ({@code Authorization},
     * cookies, {@code x-api-key}, {@code api-key}, {@code apikey}, {@code api_key},
     * {@code x-auth-token}, …) and every name in {@code secretHeaders}. The caller closes
     * {@code resp}.
     *
     * @param request the request {@code resp} answers
     * @param resp the response
     * @param hops redirects followed before this one
     * @param secretHeaders further header names (lower case) the user marked secret
     * @return the next request, or empty if {@code resp} is the final response
     * @throws TransportException for too many redirects or an unusable {@code Location}
     */
    static Optional<StreamingRequest> redirect(StreamingRequest request, StreamingResponse resp, int hops,
            java.util.Set<String> secretHeaders) {
        int s = resp.status();
        if (!isRedirect(s)) {
            return Optional.empty();
        }
        String location = resp.headers().first("Location").orElse(null);
        if (location == null || location.isBlank()) {
            // An empty Location is no Location: URI.resolve("") would name the parent path and the
            // user would see a misleading 404 (or a redirect loop) instead of this 3xx.
            return Optional.empty();
        }
        if (hops >= MAX_REDIRECTS) {
            throw new TransportException("Too many redirects (more than " + MAX_REDIRECTS + ") starting from "
                    + Redaction.url(request.uri()));
        }
        URI next;
        try {
            next = request.uri().resolve(location);
        } catch (IllegalArgumentException e) {
            throw new TransportException("Invalid redirect Location from " + Redaction.url(request.uri()), e);
        }
        StreamingRequest.Builder b = request.toBuilder();
        try {
            b.uri(next);
        } catch (IllegalArgumentException e) {
            throw new TransportException("Redirect to an unsupported URL " + Redaction.url(next) + " from "
                    + Redaction.url(request.uri()), e);
        }
        boolean toGet = s == 303 || ((s == 301 || s == 302) && request.method().equals("POST"));
        if (toGet) {
            b.method("GET").body(null);
            b.headers(request.headers().toBuilder().remove("Content-Type").remove("Content-Length").build());
        }
        if (!sameOrigin(request.uri(), next)) {
            StreamingRequest partial = b.build();
            io.noa.realtime.spi.Headers.Builder kept = io.noa.realtime.spi.Headers.builder();
            partial.headers().forEach((name, value) -> {
                if (!isSecret(name, secretHeaders)) {
                    kept.add(name, value);
                }
            });
            b.headers(kept.build());
        }
        return Optional.of(b.build());
    }

    /**
     * Whether a header carries a credential: a name {@link Redaction#isSecretHeader(String)}
     * knows, or one the user marked secret.
     *
     * @param name the header name
     * @param secretHeaders names (lower case) the user marked secret
     * @return true for a credential header
     */
    static boolean isSecret(String name, java.util.Set<String> secretHeaders) {
        return Redaction.isSecretHeader(name) || secretHeaders.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The secret values of a request, to be cut out of anything the server sends back: the
     * values of its credential headers (and the token after a scheme such as {@code Bearer}),
     * and the values of its URL's query parameters (which often carry keys).
     *
     * @param request the request
     * @param secretHeaders names (lower case) the user marked secret
     * @return the values
     */
    static java.util.List<String> secretValues(StreamingRequest request, java.util.Set<String> secretHeaders) {
        java.util.List<String> values = new java.util.ArrayList<>();
        request.headers().forEach((name, value) -> {
            if (isSecret(name, secretHeaders)) {
                values.add(value);
                int space = value.indexOf(' ');
                if (space > 0) {
                    values.add(value.substring(space + 1).trim());
                }
            }
        });
        String query = request.uri().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String raw = eq >= 0 ? pair.substring(eq + 1) : pair;
                values.add(raw);
                try {
                    values.add(java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException ignored) {
                    // not decodable: the raw form is enough
                }
            }
            String decoded = request.uri().getQuery();
            if (decoded != null) {
                values.add(decoded);
            }
            values.add(query);
        }
        return values;
    }

    private static boolean isRedirect(int s) {
        return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost())) && port(a) == port(b);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) || "wss".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * Reads up to 8 KiB of a failed response's body (giving up after 5 s), closes the response,
     * and builds the exception with the parsed error, {@code retry-after-ms} / {@code Retry-After},
     * and the body excerpt. Every secret value of the request is cut out of the body first (a 401
     * that echoes the request must not put the key into the excerpt, the message or the parsed
     * error).
     *
     * @param resp the response
     * @param target the redacted URL
     * @param scheduler for the read timeout
     * @param secrets the request's secret values ({@link #secretValues})
     * @return the exception (the future never fails)
     */
    static CompletableFuture<HttpStatusException> statusException(StreamingResponse resp, String target,
            ScheduledExecutorService scheduler, java.util.Collection<String> secrets) {
        BodyPrefix prefix = new BodyPrefix(resp, MAX_ERROR_BODY, ERROR_BODY_TIMEOUT, scheduler);
        return prefix.done.handle((ignored, err) -> {
            resp.close();
            String body = Redaction.redactValues(new String(prefix.bytes(), StandardCharsets.UTF_8), secrets);
            return new HttpStatusException(target, resp.status(), body,
                    RetryPolicy.parseRetryAfter(resp.headers().first("retry-after-ms").orElse(null),
                            resp.headers().first("Retry-After").orElse(null), Clock.systemUTC()).orElse(null),
                    ErrorBodies.parse(body).orElse(null));
        });
    }

    /**
     * Reads a whole body of at most {@code max} bytes (a JSON document answering a streaming
     * request), then closes the response.
     *
     * @param resp the response
     * @param max the byte limit
     * @param timeout how long the whole body may take
     * @param scheduler for the timeout
     * @param target the redacted URL for error messages
     * @return the body; fails with {@link StreamFormatException} past {@code max} bytes, with
     *     {@link IdleTimeoutException} after {@code timeout}, or with the transport's error
     */
    static CompletableFuture<byte[]> readWhole(StreamingResponse resp, int max, Duration timeout,
            ScheduledExecutorService scheduler, String target) {
        BodyPrefix prefix = new BodyPrefix(resp, max + 1, timeout, scheduler);
        return prefix.done.handle((ignored, err) -> {
            resp.close();
            if (err != null) {
                throw new CompletionException(Futures.unwrap(err));
            }
            if (prefix.timedOut) {
                throw new IdleTimeoutException(target, timeout);
            }
            byte[] bytes = prefix.bytes();
            if (bytes.length > max) {
                throw new StreamFormatException("The JSON body from " + target + " is larger than " + max
                        + " bytes; raise StreamingChat.Builder.maxEventSize if such answers are expected", null);
            }
            return bytes;
        });
    }

    /** Reads the first bytes of a body; {@link #done} completes at the end, the limit or the timeout. */
    private static final class BodyPrefix implements Flow.Subscriber<ByteBuffer> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final int max;
        private volatile boolean timedOut;
        private Flow.Subscription sub;

        BodyPrefix(StreamingResponse resp, int max, Duration timeout, ScheduledExecutorService scheduler) {
            this.max = max;
            resp.body().subscribe(this);
            ScheduledFuture<?> timer;
            try {
                timer = scheduler.schedule(() -> {
                    if (!done.isDone()) {
                        timedOut = true;
                        resp.close();
                        done.complete(null);
                    }
                }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                resp.close();
                done.completeExceptionally(new TransportException("Transport scheduler is shut down", e));
                return;
            }
            done.whenComplete((r, e) -> timer.cancel(false));
        }

        synchronized byte[] bytes() {
            return buf.toByteArray();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            sub = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer b) {
            boolean full;
            synchronized (this) {
                int n = Math.min(b.remaining(), max - buf.size());
                for (int i = 0; i < n; i++) {
                    buf.write(b.get());
                }
                full = buf.size() >= max;
            }
            if (full) {
                sub.cancel();
                done.complete(null);
            } else {
                sub.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
