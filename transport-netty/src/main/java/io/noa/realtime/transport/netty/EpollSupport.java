package io.noa.realtime.transport.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The only class that touches the optional native epoll transport. It is loaded only after
 * {@link EventLoops} checked that the epoll classes are on the class path.
 */
final class EpollSupport {
    private EpollSupport() {}

    static boolean isAvailable() {
        return Epoll.isAvailable();
    }

    static IoHandlerFactory ioHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    static boolean isEpollLoop(IoEventLoop loop) {
        return loop.isIoType(EpollIoHandler.class);
    }

    static Class<? extends SocketChannel> channelClass() {
        return EpollSocketChannel.class;
    }
}
