package io.noa.realtime.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.TransportException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Opens TCP (and TLS) connections with auto-read off, within one deadline that covers name
 * resolution, TCP and the TLS handshake. Counts the connections it opened that are still open.
 */
final class Connector {
    /**
     * Host names are resolved off the event loop (the JDK resolver blocks); literals skip it. The
     * {@code noa-netty-dns} threads are shared by every Netty transport, end after a few idle
     * seconds, and stop when the last transport is closed.
     */
    static final Shared<ThreadPoolExecutor> RESOLVERS = new Shared<>(Connector::resolver, ThreadPoolExecutor::shutdown);

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final Tls tls;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor resolver;
    private volatile boolean closed;

    Connector(EventLoopGroup group, Tls tls, ThreadPoolExecutor resolver) {
        this.group = group;
        this.resolver = resolver;
        this.channelClass = EventLoops.channelClass(group);
        this.tls = tls;
    }

    EventLoopGroup group() {
        return group;
    }

    /** Refuses new connections from now on; the transport is closing. */
    /**
     * Refuses new connections and closes every connection this connector opened that is still
     * open (a WebSocket waiting for the peer's answer to its close, a stream nobody cancelled).
     * A close is queued on the channel's event loop after what was written before it (a close
     * frame goes out first). Left open, such a socket outlives its transport: once the event loop
     * group is shut down nothing reads the peer's FIN, and the socket stays in CLOSE_WAIT for good
     * (issue 17: realtime cycles on a given transport kept one socket every few cycles).
     */
    void close() {
        closed = true;
        for (Channel c : channels) {
            c.close();
        }
    }

    int openConnections() {
        return open.get();
    }

    /**
     * Connects. The future completes with the active channel once TCP (and TLS) are up; if it is
     * completed or cancelled by anyone else first, the channel is closed.
     */
    CompletableFuture<Channel> connect(Endpoint ep, Duration timeout, Consumer<ChannelPipeline> init) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("This NettyTransport is closed; create a new one"));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        var timer = group.schedule(() -> {
            result.completeExceptionally(new ConnectTimeoutException(ep.target(), timeout));
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((ch, err) -> timer.cancel(false));
        resolve(ep.host()).whenComplete((address, err) -> {
            if (err != null) {
                result.completeExceptionally(Errors.connectFailure(ep, timeout, err));
            } else if (!result.isDone()) {
                open(ep, address, timeout, init, result);
            }
        });
        return result;
    }

    private void open(Endpoint ep, InetAddress address, Duration timeout, Consumer<ChannelPipeline> init,
            CompletableFuture<Channel> result) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ep.secure()) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), ep.host(), ep.port()));
                        }
                        init.accept(ch.pipeline());
                    }
                });
        ChannelFuture connect = b.connect(new InetSocketAddress(address, ep.port()));
        Channel channel = connect.channel();
        open.incrementAndGet();
        channels.add(channel);
        channel.closeFuture().addListener(f -> {
            open.decrementAndGet();
            channels.remove(channel);
        });
        if (closed) { // closed while this one was being opened: close() may not have seen it
            channel.close();
        }
        result.whenComplete((ch, err) -> {
            if (err != null) {
                channel.close();
            }
        });
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(Errors.connectFailure(ep, timeout, f.cause()));
                return;
            }
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl == null) {
                result.complete(channel);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    result.complete(channel);
                } else {
                    result.completeExceptionally(Errors.connectFailure(ep, timeout, h.cause()));
                }
            });
        });
    }

    private CompletableFuture<InetAddress> resolve(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(bare);
        if (literal != null) {
            return CompletableFuture.completedFuture(literal);
        }
        CompletableFuture<InetAddress> f = new CompletableFuture<>();
        try {
            resolver.execute(() -> {
                try {
                    f.complete(InetAddress.getByName(bare));
                } catch (UnknownHostException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new TransportException(resolver.isShutdown()
                    ? "This NettyTransport is closed; create a new one"
                    : "Too many host name lookups pending; the DNS resolver is slow or unreachable", e));
        }
        return f;
    }

    private static ThreadPoolExecutor resolver() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "noa-netty-dns");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
