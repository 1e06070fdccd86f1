package io.noa.realtime.testkit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One connection of an {@link EventStreamServer}: answers plain requests, turns stream requests into subscribers. */
final class EventStreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final EventStreamServer server;

    EventStreamHandler(EventStreamServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            plain(ctx, 400, "text/plain", "malformed request\n", false);
            return;
        }
        if (!new QueryStringDecoder(req.uri()).path().equals(server.path())) {
            plain(ctx, 404, "text/plain", "no event stream here; try " + server.path() + "\n", keepAlive);
            return;
        }
        if (!req.method().equals(HttpMethod.GET)) {
            plain(ctx, 405, "text/plain", "use GET\n", keepAlive);
            return;
        }
        Optional<String> lastEventId = Optional.ofNullable(req.headers().get("Last-Event-ID"));
        Optional<EventStreamServer.StatusAnswer> override = server.connected(lastEventId);
        if (override.isPresent()) {
            EventStreamServer.StatusAnswer o = override.get();
            plain(ctx, o.status(), o.contentType(), o.body(), keepAlive);
            return;
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(res, true);
        ctx.write(res);
        server.subscribe(ctx.channel(), lastEventId);
    }

    private static void plain(ChannelHandlerContext ctx, int status, String contentType, String body, boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (status != 204 && status != 304) {
            HttpUtil.setContentLength(res, bytes.length);
        }
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.writeAndFlush(res).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
