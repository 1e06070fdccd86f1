package io.noa.realtime.transport.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the HTTP upgrade on a connected channel. On a 101 it installs a {@link NettyWebSocket} in
 * its place, calls {@code onOpen} and completes the future; on anything else it fails the future
 * (a {@link HandshakeException} with the HTTP status) and closes the channel without a listener
 * callback.
 */
final class WebSocketHandshake extends ChannelInboundHandlerAdapter {
    /** Netty's {@code HttpClientCodec} default bound on one header line and on the whole head. */
    static final int MAX_HEAD_LINE = 8192;

    private final WebSocketClientHandshaker handshaker;
    private final WebSocketListener listener;
    private final Endpoint endpoint;
    private final int maxMessageSize;
    private final CompletableFuture<WebSocketSession> result;
    private Channel channel;

    WebSocketHandshake(WebSocketClientHandshaker handshaker, WebSocketListener listener, Endpoint endpoint,
            int maxMessageSize, CompletableFuture<WebSocketSession> result) {
        this.handshaker = handshaker;
        this.listener = listener;
        this.endpoint = endpoint;
        this.maxMessageSize = maxMessageSize;
        this.result = result;
    }

    /** Sends the upgrade request. Event loop only; the channel is connected (and TLS is up). */
    void start(Channel ch) {
        channel = ch;
        handshaker.handshake(ch).addListener(f -> {
            if (!f.isSuccess()) {
                fail(Errors.io(endpoint.target(), "sending the WebSocket upgrade to", f.cause()));
            }
        });
        ch.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof HttpResponse) || result.isDone()) {
                return; // a refused upgrade's body, or a late answer after a timeout
            }
            HttpResponse r = (HttpResponse) msg;
            if (r.decoderResult().isFailure() && r.decoderResult().cause() instanceof TooLongFrameException) {
                fail(new LimitExceededException("The response head of the WebSocket upgrade from " + endpoint.target(),
                        "the netty transport's response head limit", MAX_HEAD_LINE));
            } else if (r.decoderResult().isFailure()) {
                fail(Errors.io(endpoint.target(), "reading the WebSocket upgrade response from", r.decoderResult().cause()));
            } else if (!r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                fail(new HandshakeException(endpoint.target(), r.status().code(), r.status().reasonPhrase()));
            } else {
                upgrade(ctx, r);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, HttpResponse r) {
        try {
            handshaker.finishHandshake(ctx.channel(), new DefaultFullHttpResponse(r.protocolVersion(), r.status(),
                    Unpooled.EMPTY_BUFFER, r.headers(), new DefaultHttpHeaders()));
        } catch (WebSocketHandshakeException e) {
            fail(new HandshakeException(endpoint.target(), 101, e.getMessage()));
            return;
        }
        // Netty's decoder would answer a protocol violation by closing at once, resetting a peer that is
        // still sending; ours reports it, and NettyWebSocket runs the closing handshake with the right code.
        ctx.pipeline().replace("ws-decoder", "ws-decoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessageSize)
                .expectMaskedFrames(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build()));
        ctx.pipeline().addAfter("ws-decoder", "ws-utf8", new Utf8FrameValidator(false));
        NettyWebSocket session = new NettyWebSocket(ctx.channel(), listener, endpoint.target(), maxMessageSize);
        ctx.pipeline().replace(this, "ws", session);
        session.opened();
        if (!result.complete(session)) {
            session.abort(); // cancelled meanwhile
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!result.isDone()) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new TransportException("Connection to " + endpoint.target() + " closed during the WebSocket handshake"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(Errors.io(endpoint.target(), "opening a WebSocket to", cause));
    }

    void fail(RealtimeException error) {
        if (result.isDone() && !result.isCompletedExceptionally()) {
            return; // already open: a late timer
        }
        result.completeExceptionally(error);
        if (channel != null) {
            channel.close();
        }
    }
}
