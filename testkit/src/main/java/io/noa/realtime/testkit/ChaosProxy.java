package io.noa.realtime.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that injects network faults between a client and a server: tiny
 * fragments, latency, a cut after N bytes, a sudden reset of every connection, and a black hole
 * (a half-open link where sockets stay open but nothing gets through). It forwards raw bytes, so
 * it works for HTTP, SSE, WebSocket and TLS alike.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#chaos-proxy -->
 * <pre>{@code
 * try (MockInferenceServer server = MockInferenceServer.start();
 *         ChaosProxy proxy = ChaosProxy.start(server.port()).fragment(1);
 *         StreamingChat chat = StreamingChat.builder(proxy.proxied(server.chatUri())).model("m").build()) {
 *     server.enqueue(MockResponse.chatTokens("one ", "byte ", "at a time"));   // every byte in its own TCP segment
 *     assertThat(chat.send(HELLO).result().get(10, TimeUnit.SECONDS).content()).isEqualTo("one byte at a time");
 *     proxy.cutAllConnections();                                               // the client sees "connection reset"
 * }
 * }</pre>
 *
 * <p>Faults apply to both directions unless said otherwise and can change at any time; the
 * {@code cutAfterBytes} budget is taken when a connection is accepted. The proxy reads one
 * buffer at a time from each side and reads the next only when the previous one was forwarded,
 * so backpressure passes through. It listens on {@code 127.0.0.1}, runs on two daemon Netty
 * threads named {@code noa-testkit-proxy-*}, and is thread-safe.
 */
public final class ChaosProxy implements AutoCloseable {
    private final int targetPort;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int fragment;
    private volatile long latencyNanos;
    private volatile long cutAfter = -1;
    private volatile boolean blackHole;

    private ChaosProxy(int targetPort, int port) {
        this.targetPort = targetPort;
        this.group = NettyServers.newGroup("proxy", 2);
        this.serverChannel = NettyServers.bind(group, port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                accept(ch);
            }
        });
    }

    /**
     * Starts a proxy forwarding {@code 127.0.0.1:<port()>} to {@code 127.0.0.1:targetPort}, with
     * no faults.
     *
     * @param targetPort the server's port
     * @return the running proxy
     */
    public static ChaosProxy start(int targetPort) {
        return start(targetPort, 0);
    }

    /**
     * Starts a proxy on a chosen port.
     *
     * @param targetPort the server's port
     * @param port the port to listen on (0: ephemeral)
     * @return the running proxy
     */
    public static ChaosProxy start(int targetPort, int port) {
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("targetPort must be 1..65535: " + targetPort);
        }
        return new ChaosProxy(targetPort, port);
    }

    private void accept(SocketChannel client) {
        client.config().setAutoRead(false);
        client.config().setOption(ChannelOption.TCP_NODELAY, true);
        total.incrementAndGet();
        ProxyConnection conn = new ProxyConnection(this, client, cutAfter);
        connections.add(conn);
        client.closeFuture().addListener(f -> connections.remove(conn));
        client.pipeline().addLast(conn.relay(false));
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(conn.relay(true))
                .connect(new InetSocketAddress("127.0.0.1", targetPort));
        connect.addListener(f -> {
            if (f.isSuccess()) {
                conn.upstreamConnected(connect.channel());
            } else {
                client.close();
            }
        });
    }

    /**
     * The port the proxy listens on.
     *
     * @return the port
     */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * The same URI pointed at this proxy: host {@code 127.0.0.1}, this proxy's port.
     *
     * @param target a URI of the proxied server
     * @return the URI to give the client
     */
    public URI proxied(URI target) {
        Objects.requireNonNull(target, "target");
        try {
            return new URI(target.getScheme(), target.getUserInfo(), "127.0.0.1", port(), target.getPath(),
                    target.getQuery(), target.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot rewrite " + target, e);
        }
    }

    /**
     * Forwards in pieces of at most {@code bytes} bytes, each written and flushed on its own
     * (both directions).
     *
     * @param bytes the largest piece, at least 1
     * @return this proxy
     */
    public ChaosProxy fragment(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("fragment size must be >= 1: " + bytes);
        }
        this.fragment = bytes;
        return this;
    }

    /**
     * Waits this long before each forwarded write (both directions).
     *
     * @param perWrite the delay; zero for none
     * @return this proxy
     */
    public ChaosProxy latency(Duration perWrite) {
        MockResponse.checkDuration(perWrite, "perWrite");
        this.latencyNanos = perWrite.toNanos();
        return this;
    }

    /**
     * Connections accepted from now on are closed (FIN on both sides) once {@code bytes} bytes
     * went from the server to the client.
     *
     * @param bytes the downstream byte budget per connection, 0 or more
     * @return this proxy
     */
    public ChaosProxy cutAfterBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        this.cutAfter = bytes;
        return this;
    }

    /** Closes every proxied connection now: the client side with a TCP reset, the server side normally. */
    public void cutAllConnections() {
        connections.forEach(ProxyConnection::reset);
    }

    /**
     * Black-holes the link: sockets stay open but all bytes read from either side are dropped
     * (not delayed); turning it off forwards later bytes again.
     *
     * @param on whether to drop everything
     * @return this proxy
     */
    public ChaosProxy blackHole(boolean on) {
        this.blackHole = on;
        return this;
    }

    /**
     * Removes every fault: no fragmenting, latency, cut or black hole.
     *
     * @return this proxy
     */
    public ChaosProxy passThrough() {
        fragment = 0;
        latencyNanos = 0;
        cutAfter = -1;
        blackHole = false;
        return this;
    }

    /**
     * Proxied connections open now.
     *
     * @return the count
     */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Connections accepted since start.
     *
     * @return the count
     */
    public int totalConnections() {
        return total.get();
    }

    /** Stops listening, closes every proxied connection and stops the threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            connections.forEach(ProxyConnection::close);
            NettyServers.shutdown(group);
        }
    }

    @Override
    public String toString() {
        return "ChaosProxy[127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + "]";
    }

    int fragmentSize() {
        return fragment;
    }

    long latencyNanos() {
        return latencyNanos;
    }

    boolean isBlackHole() {
        return blackHole;
    }

    /**
     * Runs a proxy from the command line until killed and prints its address.
     *
     * @param args the target port, then optionally the port to listen on and a fragment size
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: ChaosProxy <targetPort> [listenPort] [fragmentBytes]");
            System.exit(2);
        }
        ChaosProxy proxy = start(Integer.parseInt(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
        if (args.length > 2) {
            proxy.fragment(Integer.parseInt(args[2]));
        }
        System.out.println("ChaosProxy listening on tcp://127.0.0.1:" + proxy.port() + " -> 127.0.0.1:" + args[0]);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
        Thread.currentThread().join();
    }
}
