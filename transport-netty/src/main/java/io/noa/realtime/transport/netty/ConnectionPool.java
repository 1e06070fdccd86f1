package io.noa.realtime.transport.netty;

import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive HTTP/1.1 connections per host and port. A connection comes back only after a
 * response was read to its end; at most {@code maxIdlePerHost} wait per endpoint, each for at
 * most {@code keepAlive}. Busy connections are not capped: every streaming response holds its
 * own connection.
 */
final class ConnectionPool {
    private static final int MAX_HEADER_SIZE = 32 * 1024;

    private final Connector connector;
    private final int maxIdlePerHost;
    private final Duration keepAlive;
    private final ConcurrentHashMap<Endpoint, ArrayDeque<HttpConnection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(Connector connector, int maxIdlePerHost, Duration keepAlive) {
        this.connector = connector;
        this.maxIdlePerHost = maxIdlePerHost;
        this.keepAlive = keepAlive;
    }

    /** An idle connection to {@code ep}, or a new one when none is idle. */
    CompletableFuture<HttpConnection> acquire(Endpoint ep, Duration connectTimeout) {
        HttpConnection c = pollIdle(ep);
        if (c != null) {
            return CompletableFuture.completedFuture(c);
        }
        return connector.connect(ep, connectTimeout, p -> p
                        .addLast("http", new HttpClientCodec(new HttpDecoderConfig().setMaxHeaderSize(MAX_HEADER_SIZE), false, false))
                        .addLast("conn", new HttpConnection(this, ep)))
                .thenApply(ch -> ch.pipeline().get(HttpConnection.class));
    }

    /** Takes back a connection whose last response was fully read. Event loop of {@code c}. */
    void release(HttpConnection c) {
        if (closed || !c.channel().isActive()) {
            c.channel().close();
            return;
        }
        long token;
        ArrayDeque<HttpConnection> q = idle.computeIfAbsent(c.endpoint(), k -> new ArrayDeque<>());
        synchronized (q) {
            if (q.size() >= maxIdlePerHost) {
                c.channel().close();
                return;
            }
            token = ++c.idleToken;
            q.addFirst(c);
        }
        c.channel().eventLoop().schedule(() -> expire(c, token), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        c.channel().read(); // notice a close by the server while idle
    }

    /** Forgets a connection that closed. */
    void remove(HttpConnection c) {
        ArrayDeque<HttpConnection> q = idle.get(c.endpoint());
        if (q != null) {
            synchronized (q) {
                q.remove(c);
            }
        }
    }

    /** Closes every idle connection; later releases close instead of pooling. */
    void close() {
        closed = true;
        List<HttpConnection> all = new ArrayList<>();
        for (ArrayDeque<HttpConnection> q : idle.values()) {
            synchronized (q) {
                all.addAll(q);
                q.clear();
            }
        }
        all.forEach(c -> c.channel().close());
    }

    boolean isClosed() {
        return closed;
    }

    int idleCount() {
        int n = 0;
        for (ArrayDeque<HttpConnection> q : idle.values()) {
            synchronized (q) {
                n += q.size();
            }
        }
        return n;
    }

    private HttpConnection pollIdle(Endpoint ep) {
        ArrayDeque<HttpConnection> q = idle.get(ep);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            HttpConnection c;
            while ((c = q.pollFirst()) != null) {
                c.idleToken++;
                if (c.channel().isActive()) {
                    return c;
                }
            }
        }
        return null;
    }

    private void expire(HttpConnection c, long token) {
        ArrayDeque<HttpConnection> q = idle.get(c.endpoint());
        synchronized (q) {
            if (c.idleToken != token || !q.remove(c)) {
                return;
            }
        }
        c.channel().close();
    }
}
