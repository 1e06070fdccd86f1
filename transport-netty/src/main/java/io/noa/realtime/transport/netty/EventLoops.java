package io.noa.realtime.transport.netty;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Creates event loop groups (native epoll when available, NIO otherwise) and picks the socket
 * channel class that matches a group.
 */
final class EventLoops {
    /** Set to {@code false} to force NIO even when native epoll is available. */
    static final String NATIVE_PROPERTY = "noa.netty.native";

    private static final boolean EPOLL = epollAvailable();

    private EventLoops() {}

    /**
     * The group shared by every transport created without its own group: daemon threads named
     * {@code noa-netty-…}, created by the first transport that needs them and shut down when the
     * last of those transports is closed.
     */
    static final Shared<EventLoopGroup> SHARED = new Shared<>(
            () -> newGroup(defaultThreads(), true, "noa-netty"),
            group -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS));

    static EventLoopGroup newGroup(int threads, boolean preferNative, String name) {
        IoHandlerFactory factory = useNative(preferNative) ? EpollSupport.ioHandlerFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    static Class<? extends SocketChannel> channelClass(EventLoopGroup group) {
        EventLoop loop = group.next();
        if (EPOLL && loop instanceof IoEventLoop && EpollSupport.isEpollLoop((IoEventLoop) loop)) {
            return EpollSupport.channelClass();
        }
        return NioSocketChannel.class;
    }

    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static boolean useNative(boolean preferNative) {
        return preferNative && EPOLL && !"false".equalsIgnoreCase(System.getProperty(NATIVE_PROPERTY));
    }

    private static boolean epollAvailable() {
        try {
            Class.forName("io.netty.channel.epoll.Epoll", false, EventLoops.class.getClassLoader());
            return EpollSupport.isAvailable();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
