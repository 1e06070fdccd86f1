package io.noa.realtime.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Netty plumbing shared by the testkit's HTTP servers and the proxy. */
final class NettyServers {
    /** Write buffer watermarks: small, so backpressure shows quickly in tests. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private NettyServers() {}

    /** A small event loop group of daemon threads named {@code noa-testkit-<name>-*}. */
    static EventLoopGroup newGroup(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("noa-testkit-" + name, true),
                NioIoHandler.newFactory());
    }

    /** Binds 127.0.0.1 on the given port (0: ephemeral) and returns the server channel. */
    static Channel bind(EventLoopGroup group, int port, ChannelInitializer<SocketChannel> init) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(init);
        try {
            return b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(group);
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            shutdown(group);
            throw new IllegalStateException("cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** Shuts a group down quickly and waits (bounded) for its threads to end. */
    static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until true or the timeout ends. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(new TimeoutException("timed out after " + timeout + " waiting for " + what));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
