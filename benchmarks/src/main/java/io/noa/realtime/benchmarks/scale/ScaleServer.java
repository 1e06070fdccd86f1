package io.noa.realtime.benchmarks.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of {@link ScaleHarness}: one small Netty server on {@code 127.0.0.1} with an SSE
 * port ({@code GET /sse} answers a {@code text/event-stream} with one comment and one event, then
 * stays idle for as long as the client keeps the connection) and a WebSocket port ({@code /ws},
 * speaking the handshake of {@code JsonEnvelopeProtocol}: {@code $connect} is answered with
 * {@code $connected}, anything with an {@code ack} id is acknowledged with its own data).
 *
 * <p>Run as a separate process ({@code java -Xmx1g -cp benchmarks.jar ...ScaleServer}) it prints
 * {@code ports sse=<port> ws=<port>} and serves until its standard input closes, so that the
 * client JVM's heap holds only client state.
 */
public final class ScaleServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] FIRST = ": idle stream\n\nevent: first\ndata: {\"ok\":true}\n\n"
            .getBytes(StandardCharsets.UTF_8);

    private final EventLoopGroup group;
    private final Channel sse;
    private final Channel ws;
    private final AtomicInteger sids = new AtomicInteger();
    private final AtomicInteger sseOpen = new AtomicInteger();
    private final AtomicInteger wsOpen = new AtomicInteger();

    private ScaleServer(int threads) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        sse = bind(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new SseHandler());
            }
        });
        ws = bind(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                        new WebSocketServerProtocolHandler("/ws"), new WsHandler());
            }
        });
    }

    /**
     * Starts a server on ephemeral loopback ports.
     *
     * @param threads event loop threads
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static ScaleServer start(int threads) throws InterruptedException {
        return new ScaleServer(threads);
    }

    private Channel bind(ChannelInitializer<SocketChannel> init) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(init)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /**
     * The SSE URL.
     *
     * @return {@code http://127.0.0.1:<port>/sse}
     */
    public URI sseUri() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) sse.localAddress()).getPort() + "/sse");
    }

    /**
     * The WebSocket URL.
     *
     * @return {@code ws://127.0.0.1:<port>/ws}
     */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) ws.localAddress()).getPort() + "/ws");
    }

    /**
     * Open SSE streams right now.
     *
     * @return the count
     */
    public int openStreams() {
        return sseOpen.get();
    }

    /**
     * WebSocket sessions that completed the {@code $connect} handshake and are still open.
     *
     * @return the count
     */
    public int openSessions() {
        return wsOpen.get();
    }

    @Override
    public void close() {
        sse.close().syncUninterruptibly();
        ws.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class SseHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest)) {
                return;
            }
            HttpRequest request = (HttpRequest) msg;
            if (!request.uri().startsWith("/sse")) {
                HttpResponse notFound = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(FIRST)));
            sseOpen.incrementAndGet();
            ctx.channel().closeFuture().addListener(f -> sseOpen.decrementAndGet());
        }
    }

    private final class WsHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
            JsonNode root = JSON.readTree(frame.text());
            String event = root.path("event").asText("");
            ObjectNode out = JSON.createObjectNode();
            if (event.equals("$connect")) {
                out.put("event", "$connected");
                out.putObject("data").put("sid", "s" + sids.incrementAndGet());
                wsOpen.incrementAndGet();
                ctx.channel().closeFuture().addListener(f -> wsOpen.decrementAndGet());
            } else if (root.has("ack")) {
                out.put("ack", root.get("ack").asLong());
                out.set("data", root.path("data"));
            } else {
                return;
            }
            ctx.writeAndFlush(new TextWebSocketFrame(out.toString()));
        }
    }

    /**
     * Serves until standard input closes; prints {@code ports sse=<port> ws=<port>} once bound.
     *
     * @param args optional: event loop threads (default 2)
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try (ScaleServer server = start(threads)) {
            System.out.println("ports sse=" + server.sseUri().getPort() + " ws=" + server.wsUri().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent closes our standard input (or dies) when it is done
            }
        }
    }
}
