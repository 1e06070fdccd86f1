package io.noa.realtime.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * One proxied connection: a client channel and its upstream channel on the same event loop, each
 * read one buffer at a time and forwarded with the proxy's current faults.
 */
final class ProxyConnection {
    private final ChaosProxy proxy;
    private final Channel client;
    private Channel upstream;
    /** Downstream bytes still allowed before the cut; negative: no cut. */
    private long budget;

    ProxyConnection(ChaosProxy proxy, Channel client, long cutAfter) {
        this.proxy = proxy;
        this.client = client;
        this.budget = cutAfter;
    }

    Channel client() {
        return client;
    }

    void upstreamConnected(Channel upstream) {
        this.upstream = upstream;
        upstream.closeFuture().addListener(f -> close());
        client.closeFuture().addListener(f -> close());
        client.read();
        upstream.read();
    }

    /** A handler forwarding what {@code from} reads to the other side. */
    ChannelInboundHandlerAdapter relay(boolean downstream) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof ByteBuf) || proxy.isBlackHole()) {
                    ReferenceCountUtil.release(msg);
                    ctx.channel().read();
                    return;
                }
                forward(ctx.channel(), downstream ? client : upstream, (ByteBuf) msg, downstream);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                close();
            }
        };
    }

    private void forward(Channel from, Channel to, ByteBuf buf, boolean downstream) {
        if (!buf.isReadable()) {
            buf.release();
            from.read();
            return;
        }
        if (downstream && budget == 0) {
            buf.release();
            close();
            return;
        }
        int fragment = proxy.fragmentSize();
        int n = fragment > 0 ? Math.min(fragment, buf.readableBytes()) : buf.readableBytes();
        if (downstream && budget > 0) {
            n = (int) Math.min(n, budget);
        }
        ByteBuf piece = buf.readRetainedSlice(n);
        int len = n;
        Runnable write = () -> to.writeAndFlush(piece).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                buf.release();
                close();
                return;
            }
            if (downstream && budget > 0) {
                budget -= len;
                if (budget == 0) {
                    buf.release();
                    close();
                    return;
                }
            }
            forward(from, to, buf, downstream);
        });
        long delay = proxy.latencyNanos();
        if (delay > 0) {
            from.eventLoop().schedule(write, delay, TimeUnit.NANOSECONDS);
        } else {
            write.run();
        }
    }

    /** Closes both sides with FIN. */
    void close() {
        client.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Closes the client side with RST (SO_LINGER 0) and the upstream side. */
    void reset() {
        client.eventLoop().execute(() -> {
            if (client.isOpen()) {
                client.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            close();
        });
    }
}
