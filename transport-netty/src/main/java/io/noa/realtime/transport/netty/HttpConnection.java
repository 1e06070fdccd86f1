package io.noa.realtime.transport.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 keep-alive connection: writes a request, turns the response into a
 * {@link NettyStreamingResponse}, feeds the body on demand and goes back to the pool only when
 * the body was read to its end. Everything runs on the channel's event loop.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ResponseBody.Source {
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final ConnectionPool pool;
    private final Endpoint endpoint;
    private Channel channel;
    private boolean reused;
    private Call call; // the request in flight, until its body ended
    private ResponseBody body; // set once the head arrived
    private boolean keepAlive;
    private boolean informational; // skipping a 1xx response
    long idleToken; // guarded by the pool's lock

    HttpConnection(ConnectionPool pool, Endpoint endpoint) {
        this.pool = pool;
        this.endpoint = endpoint;
    }

    Channel channel() {
        return channel;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Sends the call's request on this connection. Event loop only. */
    void start(Call c) {
        if (c.result.isDone()) { // cancelled while the connection was being acquired
            if (reused) {
                pool.release(this); // it was idle before: idle again
            } else {
                channel.close(); // opened for a call that no longer exists: nobody asked to keep it
            }
            return;
        }
        if (!channel.isActive()) {
            if (reused) {
                c.reacquire(); // the idle connection died before anything was written: pick another
            } else {
                c.result.completeExceptionally(new TransportException("Connection to " + c.endpoint.target()
                        + " closed before the request was sent; check that the server is running"));
            }
            return;
        }
        call = c;
        body = null;
        informational = false;
        c.attach(this);
        FullHttpRequest request = toNetty(c.request);
        keepAlive = HttpUtil.isKeepAlive(request);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess() && call == c) {
                fail(Errors.io(c.endpoint.target(), "sending the request to", f.cause()));
            }
        });
        channel.read();
    }

    /** The caller cancelled {@code c}'s future before the response head: drop the connection. */
    void cancel(Call c) {
        channel.eventLoop().execute(() -> {
            if (call == c && body == null) {
                call = null;
                channel.close();
            }
        });
    }

    @Override
    public void read() {
        channel.read();
    }

    @Override
    public void abort() {
        call = null;
        body = null;
        keepAlive = false;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (call == null) { // idle in the pool, or abandoned: nothing may arrive
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse) {
            onHead((HttpResponse) msg);
        }
        if (msg instanceof HttpContent) {
            onContent((HttpContent) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse r) {
        if (r.decoderResult().isFailure()) {
            fail(Errors.io(call.endpoint.target(), "reading the response head from", r.decoderResult().cause()));
            return;
        }
        int status = r.status().code();
        if (status >= 100 && status < 200 && status != 101) {
            informational = true;
            return;
        }
        keepAlive &= HttpUtil.isKeepAlive(r);
        body = new ResponseBody(channel.eventLoop(), this);
        NettyStreamingResponse response = new NettyStreamingResponse(status, toHeaders(r.headers()), body);
        if (!call.result.complete(response)) {
            response.close(); // the caller cancelled meanwhile
        }
    }

    private void onContent(HttpContent c) {
        if (informational || body == null) {
            informational &= !(c instanceof LastHttpContent);
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            fail(new TransportException("Response body from " + call.endpoint.target() + " ended early or was malformed ("
                    + c.decoderResult().cause().getMessage() + "); the server closed the connection mid-body",
                    c.decoderResult().cause()));
            return;
        }
        ResponseBody b = body;
        b.offer(c.content());
        if (c instanceof LastHttpContent && body == b) {
            call = null;
            body = null;
            reused = true;
            if (keepAlive) {
                pool.release(this);
            } else {
                channel.close();
            }
            b.end(null);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (body != null) {
            body.readComplete();
        } else if (call != null) {
            ctx.read(); // still waiting for the head
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.remove(this);
        if (call != null) {
            fail(body == null ? closedBeforeHead(call.endpoint.target(), reused)
                    : new TransportException("Connection to " + call.endpoint.target()
                            + " closed before the response body ended; the server or a proxy dropped it"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (call != null) {
            fail(Errors.io(call.endpoint.target(), "reading the response from", cause));
        }
        ctx.close();
    }

    private void fail(TransportException error) {
        Call c = call;
        ResponseBody b = body;
        call = null;
        body = null;
        keepAlive = false;
        channel.close();
        if (b != null) {
            b.end(error);
        } else if (c != null) {
            c.result.completeExceptionally(error);
        }
    }

    /**
     * The server closed the connection after the request was written and before the response
     * head. Never re-sent here: the api's retry policy decides (the error is a retryable
     * {@link TransportException}).
     */
    private static TransportException closedBeforeHead(String target, boolean reused) {
        return new TransportException("Request to " + target + " failed: the " + (reused ? "reused " : "")
                + "connection was closed before any response byte; the request may not have been processed"
                + (reused ? " (the server or a proxy closed an idle keep-alive connection)" : "; check the server's logs"));
    }

    private FullHttpRequest toNetty(StreamingRequest r) {
        URI uri = r.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + '?' + uri.getRawQuery();
        byte[] bytes = r.body().orElse(null);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), target,
                bytes == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        HttpHeaders h = req.headers();
        r.headers().forEach(h::add);
        if (!h.contains(HttpHeaderNames.HOST)) {
            h.set(HttpHeaderNames.HOST, endpoint.hostHeader());
        }
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (bytes != null || BODY_METHODS.contains(r.method())) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, bytes == null ? 0 : bytes.length);
        } else {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        return req;
    }

    private static Headers toHeaders(HttpHeaders in) {
        Headers.Builder b = Headers.builder();
        for (Map.Entry<String, String> e : in) {
            try {
                b.add(e.getKey(), e.getValue());
            } catch (IllegalArgumentException invalid) {
                // a header the api cannot represent; HTTP framing does not depend on it
            }
        }
        return b.build();
    }
}
