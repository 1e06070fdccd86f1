/**
 * The Netty 4.2 transport for noa-realtime: {@link io.noa.realtime.transport.netty.NettyTransport}
 * implements the {@link io.noa.realtime.spi.Transport} SPI with a streaming HTTP/1.1 client and a
 * WebSocket client.
 *
 * <ul>
 *   <li>HTTP: requests go over pooled keep-alive connections per host and port. Auto-read is off:
 *       the socket is read only when the body subscriber has demand, so a slow subscriber backs
 *       the server up through TCP flow control. A connection returns to the pool only after its
 *       response was read to the end; cancelling mid-body closes it. Redirects are not followed
 *       (the api does that), and no request is ever sent twice: a reused connection closed before
 *       any response byte is a retryable {@code TransportException} for the api to decide on.</li>
 *   <li>WebSocket: Netty's RFC 6455 handshaker and frame codec, fragments aggregated up to
 *       {@link io.noa.realtime.spi.TransportOptions#maxWebSocketMessageSize()}, messages delivered
 *       as the listener's demand allows; text and binary sends written in call order (a binary
 *       send wraps the caller's buffer without copying), an outgoing message over the limit
 *       refused unsent.</li>
 *   <li>TLS: the JVM's default trust or the configured {@code SSLContext}; certificate and host
 *       name verification are always on.</li>
 *   <li>Threads: one shared event loop group (native epoll when available, NIO otherwise), or the
 *       caller's own; {@link io.noa.realtime.spi.Transport#scheduler()} is a view of it. The shared
 *       group and the DNS threads stop when the last transport using them is closed, and start
 *       again with the next one. Callbacks run on event loop threads and must not block.</li>
 * </ul>
 *
 * <p>Register nothing: {@link io.noa.realtime.transport.netty.NettyTransportProvider} is found by
 * {@link io.noa.realtime.spi.Transports#load()} through {@link java.util.ServiceLoader}.
 */
package io.noa.realtime.transport.netty;
