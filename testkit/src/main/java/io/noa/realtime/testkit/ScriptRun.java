package io.noa.realtime.testkit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the steps of one chunked response on a channel, on its event loop, never blocking it.
 * The response head is already written. Each step starts when the previous write was flushed.
 */
final class ScriptRun {
    private final ChannelHandlerContext ctx;
    private final List<ScriptStep> steps;
    private final ReleaseGate gate;
    private final AtomicLong bytesWritten;
    private final Runnable onEnd;
    private int index;
    private byte[] forever;

    ScriptRun(ChannelHandlerContext ctx, List<ScriptStep> steps, ReleaseGate gate, AtomicLong bytesWritten,
            Runnable onEnd) {
        this.ctx = ctx;
        this.steps = steps;
        this.gate = gate;
        this.bytesWritten = bytesWritten;
        this.onEnd = onEnd;
    }

    void start() {
        next();
    }

    /** Called by the handler when the channel becomes writable again. */
    void onWritable() {
        if (forever != null) {
            pump();
        }
    }

    private void next() {
        if (!ctx.channel().isActive()) {
            return;
        }
        ScriptStep step = index < steps.size() ? steps.get(index++) : new ScriptStep.End();
        if (step instanceof ScriptStep.Write) {
            byte[] bytes = ((ScriptStep.Write) step).bytes();
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(f -> {
                if (f.isSuccess()) {
                    bytesWritten.addAndGet(bytes.length);
                    next();
                } else {
                    ctx.close();
                }
            });
        } else if (step instanceof ScriptStep.Pause) {
            ctx.executor().schedule(this::next, ((ScriptStep.Pause) step).duration().toNanos(), TimeUnit.NANOSECONDS);
        } else if (step instanceof ScriptStep.AwaitRelease) {
            gate.whenOpen(() -> ctx.executor().execute(this::next));
        } else if (step instanceof ScriptStep.WriteForever) {
            forever = ((ScriptStep.WriteForever) step).chunk();
            pump();
        } else if (step instanceof ScriptStep.Stall) {
            return;
        } else if (step instanceof ScriptStep.CloseAbruptly) {
            ctx.close();
        } else {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    onEnd.run();
                } else {
                    f.channel().close();
                }
            });
        }
    }

    /** Writes the endless chunk while the channel is writable, then waits for writability. */
    private void pump() {
        if (!ctx.channel().isActive()) {
            return;
        }
        int n = 0;
        while (ctx.channel().isWritable() && n++ < 64) {
            int len = forever.length;
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(forever))).addListener(f -> {
                if (f.isSuccess()) {
                    bytesWritten.addAndGet(len);
                }
            });
        }
        ctx.flush();
        if (ctx.channel().isWritable()) {
            ctx.executor().execute(this::pump);
        }
    }
}
