package io.noa.realtime.transport.jdk;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketConnector;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Opens WebSockets with {@code java.net.http.WebSocket}. */
final class JdkWebSocketConnector implements WebSocketConnector {
    /**
     * Upgrade headers the JDK sets itself and refuses from callers. {@code Sec-WebSocket-Protocol}
     * is not here: it is passed on as the builder's subprotocols.
     */
    private static final Set<String> REFUSED = Set.of("connection", "upgrade", "host", "content-length", "expect",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-accept", "sec-websocket-extensions");

    private final HttpClients clients;
    private final TransportOptions options;
    private final ScheduledExecutorService scheduler;

    JdkWebSocketConnector(HttpClients clients, TransportOptions options, ScheduledExecutorService scheduler) {
        this.clients = clients;
        this.options = options;
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<WebSocketSession> connect(URI uri, Headers headers, Duration timeout, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "uri must be a ws or wss URI, was " + Redact.url(uri)));
        }
        if (timeout.isZero() || timeout.isNegative()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("timeout must be positive, was " + timeout));
        }
        String target = Redact.url(uri);
        WebSocket.Builder builder;
        try {
            builder = clients.forConnectTimeout(timeout).newWebSocketBuilder().connectTimeout(timeout);
            addHeaders(builder, headers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        JdkWebSocketSession session = new JdkWebSocketSession(target, listener, options.maxWebSocketMessageSize(), scheduler);
        CompletableFuture<WebSocketSession> result = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean();
        CompletableFuture<WebSocket> jdk;
        try {
            jdk = builder.buildAsync(uri, session.jdkListener());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        ScheduledFuture<?> timer = scheduler.schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                result.completeExceptionally(new ConnectTimeoutException(target, timeout));
                jdk.cancel(true);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        jdk.whenComplete((ws, error) -> {
            timer.cancel(false);
            if (!decided.compareAndSet(false, true)) {
                if (ws != null) {
                    ws.abort(); // timed out or cancelled meanwhile: no callback, just close it
                }
                return;
            }
            if (error != null) {
                result.completeExceptionally(mapConnectError(error, uri, target, timeout));
            } else {
                session.open(ws, result);
            }
        });
        result.whenComplete((s, e) -> {
            if (e instanceof CancellationException && decided.compareAndSet(false, true)) {
                jdk.cancel(true);
            }
        });
        return result;
    }

    private static void addHeaders(WebSocket.Builder builder, Headers headers) {
        List<String> subprotocols = new ArrayList<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("sec-websocket-protocol")) {
                for (String p : value.split(",")) {
                    if (!p.isBlank()) {
                        subprotocols.add(p.trim());
                    }
                }
            } else if (REFUSED.contains(lower)) {
                throw new IllegalArgumentException("The JDK transport cannot set the upgrade header '" + name
                        + "' (java.net.http.WebSocket sets it itself); remove it or use the netty transport");
            } else {
                builder.header(name, value);
            }
        });
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(new String[0]));
        }
    }

    /** The bound in the JDK's "Header size too big: n > max" message, or its documented default. */
    private static long maxHeaderSize(String message) {
        int at = message.lastIndexOf('>');
        try {
            return Long.parseLong(message.substring(at + 1).trim());
        } catch (RuntimeException e) {
            return 393_216;
        }
    }

    private static Throwable mapConnectError(Throwable error, URI uri, String target, Duration timeout) {
        Throwable c = JdkHttpStreaming.unwrap(error);
        if (c instanceof WebSocketHandshakeException) {
            int status = ((WebSocketHandshakeException) c).getResponse().statusCode();
            // 101 with a bad Sec-WebSocket-Accept (or similar) is a refusal after the HTTP upgrade
            return status == 101
                    ? new HandshakeException(target, 0, String.valueOf(c.getMessage()))
                    : new HandshakeException(target, status, "");
        }
        if (c instanceof HttpTimeoutException) { // includes HttpConnectTimeoutException
            ConnectTimeoutException e = new ConnectTimeoutException(target, timeout);
            e.initCause(c);
            return e;
        }
        if (c instanceof java.net.ProtocolException && String.valueOf(c.getMessage()).startsWith("Header size too big")) {
            // java.net.http's bound (jdk.http.maxHeaderSize, 384 KiB by default): not retried, as the
            // JDK (17) leaves the failed connection open, a socket and its buffers per attempt
            LimitExceededException e = new LimitExceededException("The response head of the WebSocket upgrade from "
                    + target, "jdk.http.maxHeaderSize", maxHeaderSize(c.getMessage()));
            e.initCause(c);
            return e;
        }
        if (c instanceof RealtimeException || c instanceof IllegalArgumentException || c instanceof CancellationException) {
            return c;
        }
        java.util.Optional<TransportException> connect = ConnectErrors.of(c, uri, target);
        if (connect.isPresent()) {
            return connect.get();
        }
        return new TransportException("Could not open a WebSocket to " + target + ": " + c, c);
    }
}
