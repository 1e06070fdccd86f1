package io.noa.realtime.transport.jdk;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/** Streaming HTTP over {@link HttpClient} (HTTP/1.1, no redirects). */
final class JdkHttpStreaming implements HttpStreaming {
    /** Headers the transport derives itself (from the URI and the body); given values are ignored. */
    private static final Set<String> DERIVED = Set.of("host", "content-length");
    /** Headers {@code HttpClient} refuses to send; a request carrying one fails. */
    private static final Set<String> REFUSED = Set.of("connection", "upgrade", "expect", "transfer-encoding");

    private final HttpClients clients;

    JdkHttpStreaming(HttpClients clients) {
        this.clients = clients;
    }

    @Override
    public CompletableFuture<StreamingResponse> send(StreamingRequest request) {
        Objects.requireNonNull(request, "request");
        String target = Redact.url(request.uri());
        HttpClient client;
        HttpRequest jdkRequest;
        try {
            client = clients.forConnectTimeout(request.connectTimeout());
            jdkRequest = toJdk(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        AtomicReference<StreamingBody> bodyHolder = new AtomicReference<>();
        CompletableFuture<StreamingResponse> result = new CompletableFuture<>();
        // The response is handed over here, on the JDK thread that parsed the head, rather than
        // when sendAsync's future completes: HttpClient completes that future through a further
        // asynchronous stage (the common pool, or a new thread per response on <= 2 cores),
        // which only adds latency before the first byte.
        HttpResponse.BodyHandler<Flow.Publisher<ByteBuffer>> handler = info -> {
            StreamingBody b = new StreamingBody(target);
            bodyHolder.set(b);
            if (!result.complete(new JdkStreamingResponse(info.statusCode(), info.headers(), b))) {
                b.cancel(); // the caller cancelled the future: close what arrived late
            }
            return b;
        };
        CompletableFuture<HttpResponse<Flow.Publisher<ByteBuffer>>> jdk;
        try {
            jdk = client.sendAsync(jdkRequest, handler);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new TransportException("Could not send a request to " + target + ": " + e, e));
        }
        jdk.whenComplete((response, error) -> {
            if (error != null) {
                result.completeExceptionally(mapSendError(error, request, target));
            }
        });
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                // Since Java 16 this aborts the exchange and closes its connection.
                jdk.cancel(true);
                StreamingBody b = bodyHolder.get();
                if (b != null) {
                    b.cancel();
                }
            }
        });
        return result;
    }

    private static HttpRequest toJdk(StreamingRequest request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
                .method(request.method(), request.body()
                        .map(HttpRequest.BodyPublishers::ofByteArray)
                        .orElseGet(HttpRequest.BodyPublishers::noBody));
        request.headers().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (DERIVED.contains(lower)) {
                return;
            }
            if (REFUSED.contains(lower)) {
                throw new IllegalArgumentException("The JDK transport cannot send the header '" + name
                        + "' (java.net.http.HttpClient restricts it or frames the request itself); remove it or use the netty transport");
            }
            b.header(name, value);
        });
        return b.build();
    }

    private static Throwable mapSendError(Throwable error, StreamingRequest request, String target) {
        Throwable cause = unwrap(error);
        if (cause instanceof HttpConnectTimeoutException) {
            ConnectTimeoutException e = new ConnectTimeoutException(target, request.connectTimeout());
            e.initCause(cause);
            return e;
        }
        if (cause instanceof RealtimeException || cause instanceof CancellationException
                || cause instanceof IllegalArgumentException) {
            return cause;
        }
        java.util.Optional<TransportException> connect = ConnectErrors.of(cause, request.uri(), target);
        if (connect.isPresent()) {
            return connect.get();
        }
        if (closedBeforeAnyByte(cause)) {
            return new TransportException("Request to " + target + " failed: the connection was closed before any "
                    + "response byte; the request may not have been processed (the server or a proxy closed it, "
                    + "often an idle keep-alive connection)", cause);
        }
        return new TransportException("Request to " + target + " failed before the response arrived: " + cause, cause);
    }

    /**
     * HttpClient's signs that the server closed the connection after the request was written and
     * before any byte of the response: {@code ConnectionExpiredException} (a reused connection) or
     * the HTTP/1.1 parser's "received no bytes".
     */
    private static boolean closedBeforeAnyByte(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t.getClass().getSimpleName().equals("ConnectionExpiredException")
                    || message.contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
