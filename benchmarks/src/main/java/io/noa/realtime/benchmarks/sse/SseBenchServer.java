package io.noa.realtime.benchmarks.sse;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.noa.realtime.benchmarks.OpenAiStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one local SSE server of the side-by-side harness: answers any GET or POST on 127.0.0.1 with
 * {@code 200 text/event-stream} and the whole {@link OpenAiStream}, chunked, then ends the
 * response (and closes the connection if the request asked for {@code Connection: close}).
 *
 * <p>In the token-stream mode ({@code flushPerEvent}) every event goes out as its own HTTP chunk
 * with a flush, the way an LLM server writes one chunk per token: the client then pays a read (and
 * its wake-ups) for every event or few events, which is where real streams spend their time.
 *
 * <p>It must never be the bottleneck: the body is pre-built into a few large direct buffers of
 * whole events (about 64 KB each, so no event straddles an HTTP chunk) that are written again and
 * again without copying, as fast as the client reads (flow control by the channel's writability).
 * Its event loop threads are named {@code bench-server-*} so that a {@code ThreadMeter} can leave
 * them out.
 */
final class SseBenchServer implements AutoCloseable {
    /** Prefix of the server's thread names. */
    static final String THREAD_PREFIX = "bench-server";

    /** Whole content-token cycles (48 events each) per pre-built block: about 69 KB. */
    private static final int CYCLES_PER_BLOCK = 8;

    private final OpenAiStream stream;
    private final boolean flushPerEvent;
    private final List<ByteBuf> chunks = new ArrayList<>();
    /** Per pre-built chunk: the offsets of its events (and its end), for the token-stream mode. */
    private final List<int[]> eventOffsets = new ArrayList<>();
    private final EventLoopGroup group;
    private final Channel serverChannel;

    /**
     * Starts a server streaming {@code stream} on an ephemeral port of 127.0.0.1.
     *
     * @param stream what every response carries
     * @throws InterruptedException if interrupted while binding
     */
    SseBenchServer(OpenAiStream stream) throws InterruptedException {
        this(stream, false);
    }

    /**
     * Starts a server streaming {@code stream} on an ephemeral port of 127.0.0.1.
     *
     * @param stream what every response carries
     * @param flushPerEvent the token-stream mode: every event is its own HTTP chunk, flushed at once
     *     (one small write per event, as an LLM server writes one chunk per token), instead of
     *     ~69 KB chunks of whole events
     * @throws InterruptedException if interrupted while binding
     */
    SseBenchServer(OpenAiStream stream, boolean flushPerEvent) throws InterruptedException {
        this.stream = stream;
        this.flushPerEvent = flushPerEvent;
        buildChunks();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_PREFIX, true),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_SNDBUF, 1 << 20)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new StreamHandler());
                    }
                });
        serverChannel = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** The content events cycle through the same 48 templates: share whole cycles as blocks. */
    private void buildChunks() {
        int events = stream.events();
        int cycle = tokenCycle();
        int blockEvents = cycle * CYCLES_PER_BLOCK;
        // A stream long enough to read every template from, in the same shape.
        OpenAiStream model = OpenAiStream.of(blockEvents + 2, stream.shape());
        ByteArrayOutputStream block = new ByteArrayOutputStream(blockEvents * 300);
        int[] offsets = new int[blockEvents + 1];
        for (int j = 0; j < blockEvents; j++) {
            offsets[j] = block.size();
            block.writeBytes(model.event(1 + j));
        }
        offsets[blockEvents] = block.size();
        ByteBuf shared = direct(block.toByteArray());

        byte[] head = stream.event(0);
        chunks.add(direct(head));
        eventOffsets.add(new int[] {0, head.length});
        int middle = events - 2;
        for (int q = middle / blockEvents; q > 0; q--) {
            chunks.add(shared);
            eventOffsets.add(offsets);
        }
        int rest = middle % blockEvents;
        if (rest > 0) {
            chunks.add(Unpooled.unreleasableBuffer(shared.slice(0, offsets[rest])));
            eventOffsets.add(java.util.Arrays.copyOf(offsets, rest + 1));
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        byte[] last = stream.event(events - 1);
        tail.writeBytes(last);
        tail.writeBytes(stream.event(events));
        chunks.add(direct(tail.toByteArray()));
        eventOffsets.add(new int[] {0, last.length, tail.size()});
    }

    private static int tokenCycle() {
        // Content event i carries token (i - 1) % cycle; find the cycle from the stream itself.
        OpenAiStream probe = OpenAiStream.of(1_000);
        byte[] first = probe.event(1);
        for (int i = 2; i < 999; i++) {
            if (probe.event(i) == first) {
                return i - 1;
            }
        }
        throw new IllegalStateException("OpenAiStream's content events do not cycle within 1,000 events");
    }

    private static ByteBuf direct(byte[] bytes) {
        ByteBuf buf = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        return Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    /**
     * The URL to ask for the stream.
     *
     * @return {@code http://127.0.0.1:port/v1/chat/completions}
     */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/v1/chat/completions");
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * The response body the server sends (without HTTP chunk framing), for tests.
     *
     * @return the bytes
     */
    byte[] body() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf c : chunks) {
            byte[] b = new byte[c.readableBytes()];
            c.getBytes(c.readerIndex(), b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /**
     * The pre-built HTTP chunks, each made of whole events.
     *
     * @return how many
     */
    int chunkCount() {
        return chunks.size();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection: answers each request with the whole stream, as fast as the peer reads. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private boolean keepAlive;
        private int next = -1; // -1: no response in progress
        private int nextEvent; // token-stream mode: the next event inside chunk 'next'

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    keepAlive = HttpUtil.isKeepAlive((HttpRequest) msg);
                }
                if (msg instanceof LastHttpContent && next < 0) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                            .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    if (!keepAlive) {
                        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    }
                    ctx.write(head);
                    next = 0;
                    nextEvent = 0;
                    writeMore(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (next >= 0 && ctx.channel().isWritable()) {
                writeMore(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void writeMore(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            if (flushPerEvent) {
                while (next < chunks.size() && ch.isWritable()) {
                    int[] at = eventOffsets.get(next);
                    ByteBuf event = chunks.get(next).slice(at[nextEvent], at[nextEvent + 1] - at[nextEvent]);
                    if (++nextEvent == at.length - 1) {
                        next++;
                        nextEvent = 0;
                    }
                    ctx.writeAndFlush(new DefaultHttpContent(event));
                }
            }
            while (next < chunks.size() && ch.isWritable()) {
                ctx.write(new DefaultHttpContent(chunks.get(next++).duplicate()));
            }
            if (next < chunks.size()) {
                ctx.flush();
                return;
            }
            next = -1;
            if (keepAlive) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that hung up early; nothing to report
        }
    }
}
