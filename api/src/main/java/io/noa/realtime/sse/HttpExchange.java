package io.noa.realtime.sse;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.TransportException;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.spi.HttpStreaming;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends a streaming request and follows redirects the same way for every transport; turns a
 * failed response into an {@link HttpStatusException} with the start of its body.
 */
public final class HttpExchange {
    /** Most redirects followed for one request. */
    public static final int MAX_REDIRECTS = 10;
    private static final int MAX_ERROR_BODY = 8 * 1024;
    private static final Duration ERROR_BODY_TIMEOUT = Duration.ofSeconds(5);

    private HttpExchange() {}

    /**
     * Sends {@code request}, following 301/302/303/307/308 up to {@link #MAX_REDIRECTS} times.
     * A 303 (and a 301/302 answering a POST) becomes a GET without body. Credentials
     * ({@code Authorization}, {@code Cookie}) are dropped when a redirect leaves the origin.
     *
     * @param http the transport
     * @param request the request
     * @return the final response (any status other than a followed redirect)
     */
    public static CompletableFuture<StreamingResponse> send(HttpStreaming http, StreamingRequest request) {
        return send(http, request, 0);
    }

    private static CompletableFuture<StreamingResponse> send(HttpStreaming http, StreamingRequest request, int hops) {
        return http.send(request).thenCompose(resp -> {
            int s = resp.status();
            if (!isRedirect(s)) {
                return CompletableFuture.completedFuture(resp);
            }
            String location = resp.headers().first("Location").orElse(null);
            if (location == null) {
                return CompletableFuture.completedFuture(resp);
            }
            resp.close();
            if (hops >= MAX_REDIRECTS) {
                return CompletableFuture.failedFuture(new TransportException("Too many redirects (more than "
                        + MAX_REDIRECTS + ") starting from " + Redaction.url(request.uri())));
            }
            URI next;
            try {
                next = request.uri().resolve(location);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new TransportException("Invalid redirect Location from "
                        + Redaction.url(request.uri()), e));
            }
            StreamingRequest.Builder b = request.toBuilder();
            try {
                b.uri(next);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new TransportException("Redirect to an unsupported URL "
                        + Redaction.url(next) + " from " + Redaction.url(request.uri()), e));
            }
            boolean toGet = s == 303 || ((s == 301 || s == 302) && request.method().equals("POST"));
            if (toGet) {
                b.method("GET").body(null);
                b.headers(request.headers().toBuilder().remove("Content-Type").remove("Content-Length").build());
            }
            if (!sameOrigin(request.uri(), next)) {
                StreamingRequest partial = b.build();
                b.headers(partial.headers().toBuilder().remove("Authorization").remove("Cookie")
                        .remove("Proxy-Authorization").build());
            }
            return send(http, b.build(), hops + 1);
        });
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
     * and the body excerpt.
     *
     * @param resp the response
     * @param target the redacted URL
     * @param scheduler for the read timeout
     * @return the exception (the future never fails)
     */
    public static CompletableFuture<HttpStatusException> statusException(StreamingResponse resp, String target,
            ScheduledExecutorService scheduler) {
        return readPrefix(resp, MAX_ERROR_BODY, scheduler).handle((bytes, err) -> {
            resp.close();
            String body = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            return new HttpStatusException(target, resp.status(), body,
                    RetryPolicy.parseRetryAfter(resp.headers().first("retry-after-ms").orElse(null),
                            resp.headers().first("Retry-After").orElse(null), Clock.systemUTC()).orElse(null),
                    ErrorBodies.parse(body).orElse(null));
        });
    }

    /**
     * Reads at most {@code max} bytes of a body.
     *
     * @param resp the response
     * @param max the byte limit
     * @param scheduler for the timeout
     * @return the bytes read (the body is cancelled once {@code max} is reached)
     */
    public static CompletableFuture<byte[]> readPrefix(StreamingResponse resp, int max, ScheduledExecutorService scheduler) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        resp.body().subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription sub;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer b) {
                int n = Math.min(b.remaining(), max - buf.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                buf.write(chunk, 0, n);
                if (buf.size() >= max) {
                    sub.cancel();
                    out.complete(buf.toByteArray());
                } else {
                    sub.request(1);
                }
            }

            @Override
            public void onError(Throwable t) {
                out.complete(buf.toByteArray());
            }

            @Override
            public void onComplete() {
                out.complete(buf.toByteArray());
            }
        });
        var timer = scheduler.schedule(() -> {
            if (!out.isDone()) {
                resp.close();
                out.complete(new byte[0]);
            }
        }, ERROR_BODY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        out.whenComplete((r, e) -> timer.cancel(false));
        return out;
    }
}
