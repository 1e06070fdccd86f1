package io.noa.realtime.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection of a {@link MockInferenceServer}: collects each request with its whole body
 * (bounded), records it, and answers requests one at a time in arrival order (keep-alive and
 * pipelining safe).
 */
final class InferenceHandler extends ChannelInboundHandlerAdapter {
    private final MockInferenceServer server;
    private final int connectionId;
    private final long maxBody;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private HttpRequest head;
    private ByteArrayOutputStream body;
    private boolean discarding;
    private boolean busy;
    private ScriptRun run;

    private record Pending(RecordedRequest request, boolean keepAlive) {}

    InferenceHandler(MockInferenceServer server, int connectionId, long maxBody) {
        this.server = server;
        this.connectionId = connectionId;
        this.maxBody = maxBody;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                startRequest(ctx, (HttpRequest) msg);
            }
            if (msg instanceof HttpContent && !discarding && head != null) {
                ByteBuf content = ((HttpContent) msg).content();
                if (body.size() + (long) content.readableBytes() > maxBody) {
                    tooLarge(ctx);
                    return;
                }
                content.readBytes(body, content.readableBytes());
                if (msg instanceof LastHttpContent) {
                    finishRequest(ctx);
                }
            }
        } catch (java.io.IOException e) {
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startRequest(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            discarding = true;
            sendErrorAndClose(ctx, 400, "malformed HTTP request: " + req.decoderResult().cause());
            return;
        }
        head = req;
        body = new ByteArrayOutputStream();
        if (HttpUtil.getContentLength(req, -1L) > maxBody) {
            tooLarge(ctx);
        }
    }

    private void finishRequest(ChannelHandlerContext ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : head.headers().names()) {
            headers.put(name, head.headers().getAll(name));
        }
        RecordedRequest recorded = server.record(head.method().name(), head.uri(), headers, body.toByteArray(), connectionId);
        pending.add(new Pending(recorded, HttpUtil.isKeepAlive(head)));
        head = null;
        body = null;
        if (!busy) {
            dispatchNext(ctx);
        }
    }

    private void tooLarge(ChannelHandlerContext ctx) {
        discarding = true;
        sendErrorAndClose(ctx, 413, "request body exceeds " + maxBody
                + " bytes; raise MockInferenceServer.Builder.maxRequestBodySize to accept larger bodies");
    }

    private void dispatchNext(ChannelHandlerContext ctx) {
        Pending p = pending.poll();
        if (p == null || !ctx.channel().isActive()) {
            return;
        }
        busy = true;
        MockResponse response = server.responseFor(p.request());
        if (response.kind == MockResponse.Kind.FIXED) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(response.status), Unpooled.wrappedBuffer(response.fixedBody));
            response.headers.forEach(e -> res.headers().add(e.getKey(), e.getValue()));
            HttpUtil.setContentLength(res, response.fixedBody.length);
            HttpUtil.setKeepAlive(res, p.keepAlive());
            int len = response.fixedBody.length;
            ctx.writeAndFlush(res).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    server.addBodyBytes(len);
                }
                responseDone(ctx, f.isSuccess() && p.keepAlive());
            });
            return;
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status));
        response.headers.forEach(e -> res.headers().add(e.getKey(), e.getValue()));
        if (!res.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(res, true);
        HttpUtil.setKeepAlive(res, p.keepAlive());
        run = new ScriptRun(ctx, server.stepsFor(response, p.request()), server.gate(), server.bodyBytesCounter(),
                () -> responseDone(ctx, p.keepAlive()));
        ctx.writeAndFlush(res).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                run.start();
            } else {
                f.channel().close();
            }
        });
    }

    private void responseDone(ChannelHandlerContext ctx, boolean keepAlive) {
        busy = false;
        run = null;
        if (!keepAlive) {
            ctx.close();
            return;
        }
        if (!pending.isEmpty()) {
            dispatchNext(ctx);
        }
    }

    private void sendErrorAndClose(ChannelHandlerContext ctx, int status, String message) {
        byte[] json = ChatChunks.errorJson(status, message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(json));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(res, json.length);
        HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (run != null && ctx.channel().isWritable()) {
            run.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
