package io.noa.realtime.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open WebSocket: the session API for any thread, and the handler that delivers whole
 * messages to the listener on the event loop as demand allows. The socket is read only while
 * the listener has demand (or a closing handshake needs the peer's answer).
 */
final class NettyWebSocket extends ChannelInboundHandlerAdapter implements WebSocketSession {
    private static final System.Logger LOG = System.getLogger(NettyWebSocket.class.getName());
    private static final long CLOSE_TIMEOUT_SECONDS = 5;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int MAX_REASON_BYTES = 123;
    /** Frames one event-loop turn writes before a flush and a turn for reads. */
    static final int MAX_WRITES_PER_TURN = 64;

    private final Channel channel;
    private final WebSocketListener listener;
    private final String target;
    private final int maxMessageSize;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    /** Frames waiting for the event loop, in call order (see {@link #write}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingWrite> writes =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Whether a {@link #drainWrites} task is queued or running. */
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile CompletableFuture<Void> closeWritten = CompletableFuture.completedFuture(null);
    private volatile boolean aborted;
    private volatile boolean terminated;

    // event loop only
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private long demand;
    private boolean delivering;
    private RuntimeException failure;
    private long droppedPongs;
    private io.netty.util.concurrent.ScheduledFuture<?> closeTimer;

    private record Binary(ByteBuf data) {}

    private record PendingWrite(WebSocketFrame frame, long size, CompletableFuture<Void> future) {}

    private record Pong(ByteBuf data) {}

    private record Closed(int code, String reason) {}

    NettyWebSocket(Channel channel, WebSocketListener listener, String target, int maxMessageSize) {
        this.channel = channel;
        this.listener = listener;
        this.target = target;
        this.maxMessageSize = maxMessageSize;
    }

    /** Calls {@code onOpen}. Event loop only, once, right after the handshake. */
    void opened() {
        try {
            listener.onOpen(this);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket listener threw from onOpen", e);
        }
    }

    // ---- session API (any thread) ----

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (!isOpen()) {
            return closedFailure();
        }
        if ((long) text.length() * 3 > maxMessageSize && ByteBufUtil.utf8Bytes(text) > maxMessageSize) {
            return tooBigFailure();
        }
        return write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)), text.length());
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > maxMessageSize) {
            return tooBigFailure();
        }
        if (!isOpen()) {
            return closedFailure();
        }
        // wraps the caller's bytes without copying (they must stay unchanged until the future completes)
        return write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data.duplicate())), data.remaining());
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("ping data must be at most 125 bytes, was " + data.remaining());
        }
        if (!isOpen()) {
            return closedFailure();
        }
        return write(new PingWebSocketFrame(Unpooled.copiedBuffer(data.duplicate())), data.remaining());
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!WebSocketCloseStatus.isValidStatusCode(code)) {
            throw new IllegalArgumentException("invalid WebSocket close code " + code);
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason must be at most 123 bytes of UTF-8");
        }
        CompletableFuture<Void> written = startClose(code, reason);
        return written != null ? written : closeWritten;
    }

    /** Sends a close frame and arms the close timeout, unless a close frame was already sent. */
    private CompletableFuture<Void> startClose(int code, String reason) {
        if (!closeSent.compareAndSet(false, true)) {
            return null;
        }
        CompletableFuture<Void> written = write(new CloseWebSocketFrame(code, reason), 0);
        closeWritten = written;
        io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (channel.isActive()) {
                if (failure == null) {
                    failure = new TransportException("WebSocket peer " + target + " did not answer the close frame within "
                            + CLOSE_TIMEOUT_SECONDS + " s; connection aborted");
                }
                channel.close();
            }
        }, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        onLoop(() -> {
            if (channel.isActive()) {
                closeTimer = timer;
            } else {
                timer.cancel(false); // already closed: the timer must not keep this session reachable
            }
        });
        return written;
    }

    @Override
    public void abort() {
        aborted = true;
        channel.close();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("request(n) needs n > 0, was " + n);
        }
        onLoop(() -> {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            deliver();
            readIfWanted();
        });
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    @Override
    public boolean isOpen() {
        return !terminated && !aborted && !closeSent.get() && channel.isActive();
    }

    @Override
    public String toString() {
        return "NettyWebSocket{" + target + (isOpen() ? ", open" : ", closed") + '}';
    }

    /**
     * Queues a frame for the event loop. Frames from other threads are not handed to Netty one
     * task and one flush each: they wait in {@link #writes}, and one task on the event loop writes
     * what has gathered, at most {@link #MAX_WRITES_PER_TURN} frames before one flush, then lets the
     * loop read before it writes more. With many threads emitting, a task and a flush per frame
     * kept the loop so busy that the peer's answers and the link's end were read late (issue 17,
     * defect 14).
     */
    private CompletableFuture<Void> write(WebSocketFrame frame, long size) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        queued.addAndGet(size);
        writes.add(new PendingWrite(frame, size, f));
        if (drainScheduled.compareAndSet(false, true)) {
            scheduleDrain();
        }
        return f;
    }

    private void scheduleDrain() {
        try {
            channel.eventLoop().execute(this::drainWrites);
        } catch (java.util.concurrent.RejectedExecutionException e) { // the event loop is shutting down
            for (PendingWrite w; (w = writes.poll()) != null; ) {
                ReferenceCountUtil.release(w.frame());
                queued.addAndGet(-w.size());
                w.future().completeExceptionally(Errors.io(target, "sending to", e));
            }
            drainScheduled.set(false);
        }
    }

    /**
     * Event loop: the next turn of {@link #drainWrites} after the loop has read. A task queued with
     * {@code execute} would run in the same pass: the loop runs queued tasks for up to a second
     * (Netty's {@code io.netty.eventLoop.maxTaskProcessingQuantumMs}) before it reads again, and
     * producers that keep the queue full kept it writing for that long. A task scheduled with no
     * delay waits for the next pass, after the loop's I/O.
     */
    private void drainAfterIo() {
        try {
            channel.eventLoop().schedule(this::drainWrites, 0, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            scheduleDrain(); // fails what waits
        }
    }

    /** Event loop: writes what gathered in {@link #writes}, in order, one flush per turn. */
    private void drainWrites() {
        int n = 0;
        while (true) {
            PendingWrite w = writes.poll();
            if (w == null) {
                drainScheduled.set(false);
                if (writes.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                    break; // empty, or a producer scheduled the next turn itself
                }
                continue;
            }
            PendingWrite pending = w;
            channel.write(w.frame()).addListener(done -> {
                queued.addAndGet(-pending.size());
                if (done.isSuccess()) {
                    pending.future().complete(null);
                } else {
                    pending.future().completeExceptionally(Errors.io(target, "sending to", done.cause()));
                }
            });
            if (++n == MAX_WRITES_PER_TURN) {
                channel.flush();
                drainAfterIo(); // drainScheduled stays true: the next turn is ours, after the loop's reads
                return;
            }
        }
        channel.flush();
    }

    private CompletableFuture<Void> tooBigFailure() {
        return CompletableFuture.failedFuture(new LimitExceededException("An outgoing WebSocket message to " + target
                + " (not sent; the session stays open)", "maxWebSocketMessageSize", maxMessageSize));
    }

    private CompletableFuture<Void> closedFailure() {
        return CompletableFuture.failedFuture(new ConnectionClosedException("WebSocket to " + target + " is closed; cannot send"));
    }

    // ---- inbound (event loop) ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (terminated || failure != null || !(msg instanceof WebSocketFrame)) {
            // e.g. the empty last content after the 101 response, or anything after a failure
            if (msg instanceof CloseWebSocketFrame) {
                ctx.close();
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof TextWebSocketFrame) {
            TextWebSocketFrame text = (TextWebSocketFrame) msg;
            queueData(text.text());
            text.release();
        } else if (msg instanceof BinaryWebSocketFrame) {
            queueData(new Binary(((BinaryWebSocketFrame) msg).content()));
        } else if (msg instanceof PingWebSocketFrame) {
            PingWebSocketFrame ping = (PingWebSocketFrame) msg;
            if (closeSent.get()) {
                ping.release();
            } else {
                pong(ctx, ping);
            }
        } else if (msg instanceof PongWebSocketFrame) {
            inbound.add(new Pong(((PongWebSocketFrame) msg).content()));
        } else if (msg instanceof CloseWebSocketFrame) {
            onCloseFrame(ctx, (CloseWebSocketFrame) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
        deliver();
    }

    /**
     * Answers a ping, unless the channel is not writable: a peer that pings and does not read
     * would otherwise make us queue one pong per ping without bound. RFC 6455 (5.5.3) lets an
     * endpoint answer only the most recent of several pings; a dropped pong is answered by the
     * next ping that arrives once the peer reads again.
     */
    private void pong(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
        if (!channel.isWritable()) {
            ping.release();
            droppedPongs++;
            if (droppedPongs == 1 || droppedPongs % 100_000 == 0) {
                long dropped = droppedPongs;
                LOG.log(Level.DEBUG, () -> "WebSocket peer " + target + " pings faster than it reads; "
                        + dropped + " pongs dropped so far");
            }
            return;
        }
        long size = 2L + ping.content().readableBytes();
        queued.addAndGet(size);
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content())).addListener(w -> queued.addAndGet(-size));
    }

    private void queueData(Object message) {
        if (closeSent.get() && demand == 0) {
            release(message); // closing and nobody wants it: do not buffer
            return;
        }
        inbound.add(message);
    }

    private void onCloseFrame(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
        int code = frame.statusCode() < 0 ? 1005 : frame.statusCode();
        String reason = frame.reasonText();
        frame.release();
        inbound.add(new Closed(code, reason == null ? "" : reason));
        if (closeSent.compareAndSet(false, true)) {
            CloseWebSocketFrame echo = code == 1005 || !WebSocketCloseStatus.isValidStatusCode(code)
                    ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            ctx.writeAndFlush(echo).addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfWanted();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = toFailure(cause);
        int code = failure instanceof LimitExceededException ? WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
                : failure instanceof ProtocolException ? ((CorruptedWebSocketFrameException) cause).closeStatus().code()
                : 0;
        if (code == 0 || startClose(code, "") == null) {
            ctx.close();
        } // else: wait for the peer to answer the close frame (or the close timeout), reading and discarding
        releaseInbound();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
        if (terminated) {
            return;
        }
        boolean graceful = failure == null && inbound.stream().anyMatch(m -> m instanceof Closed);
        if (graceful) {
            deliver(); // onClose follows the remaining messages, as demand allows
            return;
        }
        RuntimeException error = failure != null ? failure
                : aborted ? new TransportException("WebSocket to " + target + " was aborted by the client")
                : new TransportException("WebSocket connection to " + target + " closed without a close frame");
        terminate();
        try {
            listener.onError(this, error);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket listener threw from onError", e);
        }
    }

    private RuntimeException toFailure(Throwable cause) {
        boolean tooBig = cause instanceof TooLongFrameException
                || cause instanceof CorruptedWebSocketFrameException
                        && ((CorruptedWebSocketFrameException) cause).closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG;
        if (tooBig) {
            return new LimitExceededException("A WebSocket message from " + target, "maxWebSocketMessageSize", maxMessageSize);
        }
        if (cause instanceof CorruptedWebSocketFrameException) {
            return new ProtocolException("Invalid WebSocket frame from " + target + ": " + cause.getMessage(), cause);
        }
        return Errors.io(target, "reading from", cause);
    }

    private void deliver() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            Object next;
            while (!terminated && (next = inbound.peek()) != null) {
                if (next instanceof Closed) {
                    Closed c = (Closed) next;
                    terminate();
                    call(() -> listener.onClose(this, c.code(), c.reason()), "onClose");
                } else if (next instanceof Pong) {
                    inbound.poll();
                    ByteBuf data = ((Pong) next).data();
                    call(() -> listener.onPong(this, data.nioBuffer()), "onPong");
                    data.release();
                } else if (demand > 0) {
                    inbound.poll();
                    demand--;
                    if (next instanceof Binary) {
                        ByteBuf data = ((Binary) next).data();
                        call(() -> listener.onBinary(this, data.nioBuffer()), "onBinary");
                        data.release();
                    } else {
                        String text = (String) next;
                        call(() -> listener.onText(this, text), "onText");
                    }
                } else {
                    return;
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void readIfWanted() {
        if (!terminated && inbound.isEmpty() && (demand > 0 || closeSent.get()) && channel.isActive()) {
            channel.read();
        }
    }

    private void terminate() {
        terminated = true;
        releaseInbound();
        channel.close();
    }

    private void releaseInbound() {
        Object m;
        while ((m = inbound.poll()) != null) {
            release(m);
        }
    }

    private static void release(Object m) {
        ReferenceCountUtil.release(m instanceof Binary ? ((Binary) m).data() : m instanceof Pong ? ((Pong) m).data() : m);
    }

    private void call(Runnable callback, String name) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket listener threw from " + name, e);
        }
    }

    private void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }
}
