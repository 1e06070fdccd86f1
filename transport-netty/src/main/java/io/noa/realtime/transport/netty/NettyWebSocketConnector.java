package io.noa.realtime.transport.netty;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.WebSocketConnector;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Opens WebSockets with Netty's RFC 6455 handshaker, frame codec and frame aggregator. */
final class NettyWebSocketConnector implements WebSocketConnector {
    private final Connector connector;
    private final int maxMessageSize;

    NettyWebSocketConnector(Connector connector, int maxMessageSize) {
        this.connector = connector;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public CompletableFuture<WebSocketSession> connect(URI uri, Headers headers, Duration timeout, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        // Bad arguments fail the future (only null throws), the same on every transport.
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "uri must be a ws or wss URI, was " + Redact.url(uri)));
        }
        if (timeout.isZero() || timeout.isNegative()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("timeout must be positive, was " + timeout));
        }
        Endpoint ep;
        WebSocketClientHandshaker handshaker;
        try {
            ep = Endpoint.of(uri);
            handshaker = handshaker(uri, headers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<WebSocketSession> result = new CompletableFuture<>();
        WebSocketHandshake handshake = new WebSocketHandshake(handshaker, listener, ep, maxMessageSize, result);
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Channel> connected = connector.connect(ep, timeout, p -> p
                .addLast("http", new HttpClientCodec())
                .addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessageSize))
                .addLast("ws-handshake", handshake));
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        AtomicBoolean settled = new AtomicBoolean();
        result.whenComplete((s, e) -> {
            // the outcome is known: the handshake timer must not keep the listener (and the caller's
            // client) reachable until it would have fired
            settled.set(true);
            ScheduledFuture<?> t = timer.get();
            if (t != null) {
                t.cancel(false);
            }
            if (e != null) {
                connected.cancel(false); // closes a channel still connecting
                if (connected.isDone() && !connected.isCompletedExceptionally()) {
                    connected.join().close(); // cancelled or failed during the upgrade: drop the socket now
                }
            }
        });
        connected.whenComplete((ch, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            ch.eventLoop().execute(() -> {
                if (result.isDone()) { // cancelled by the caller meanwhile
                    ch.close();
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    handshake.fail(new ConnectTimeoutException(ep.target(), timeout));
                    return;
                }
                ScheduledFuture<?> t = ch.eventLoop().schedule(
                        () -> handshake.fail(new ConnectTimeoutException(ep.target(), timeout)), left, TimeUnit.NANOSECONDS);
                timer.set(t);
                if (settled.get()) {
                    t.cancel(false); // the outcome came first
                }
                handshake.start(ch);
            });
        });
        return result;
    }

    private WebSocketClientHandshaker handshaker(URI uri, Headers headers) {
        HttpHeaders custom = new DefaultHttpHeaders();
        headers.forEach(custom::add);
        String subprotocol = custom.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        custom.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL); // the handshaker sends and checks it
        return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, subprotocol, false, custom,
                maxMessageSize, true, false, 10_000L, false, false);
    }
}
