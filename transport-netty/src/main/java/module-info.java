/**
 * The noa-realtime transport on Netty (HTTP/1.1 streaming, WebSocket, TLS). Found by
 * {@link io.noa.realtime.spi.Transports#load()} through the provider below (and through
 * {@code META-INF/services} on the class path), or built directly with
 * {@link io.noa.realtime.transport.netty.NettyTransport}.
 *
 * <p>{@code io.netty.transport} is required transitively because
 * {@code NettyTransport.Builder.eventLoopGroup(EventLoopGroup)} takes one of its types. The native
 * epoll transport is optional ({@code requires static}): on the module path it is used only when
 * {@code io.netty.transport.classes.epoll} is resolved (e.g. {@code --add-modules}), otherwise
 * the transport runs on NIO.
 */
module io.noa.realtime.transport.netty {
    requires transitive io.noa.realtime.api;
    requires transitive io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires static io.netty.transport.classes.epoll;

    exports io.noa.realtime.transport.netty;

    provides io.noa.realtime.spi.TransportProvider
            with io.noa.realtime.transport.netty.NettyTransportProvider;
}
