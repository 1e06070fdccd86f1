package io.noa.realtime.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.server.WebSocketServer;

/**
 * Writes a Java-WebSocket server's outbound frames itself, from the sending thread, instead of
 * through the library's per-connection out queue.
 *
 * <p>Why: in Java-WebSocket 1.6.0 a send from a worker thread appends to the connection's out
 * queue and asks the selector thread for {@code OP_WRITE}; the selector thread, once it has
 * emptied the queue, sets the key's interest back to {@code OP_READ} unconditionally. When a
 * worker appends a frame after the selector thread saw the queue empty but before it reset the
 * interest, the worker's {@code OP_WRITE} is overwritten: the frame stays queued until something
 * else is sent on that connection (an acknowledgement that never arrives, under CPU load about 1
 * in 10,000 back-to-back sends). Here every frame is written directly to the socket under a
 * per-connection lock; only what a full socket buffer does not take waits in a pending queue,
 * drained by one writer thread whose write interest is only ever cleared under that same lock,
 * after it has seen the queue empty. The library's own frames (the upgrade answer, close frames)
 * go through the same channel, so the order on the wire is the order of the writes.
 */
final class DirectWrites implements AutoCloseable {
    private final Selector selector;
    private final ConcurrentLinkedQueue<FrameChannel> wanting = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    DirectWrites(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a selector", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Installs these writes on a server (before it starts). */
    void install(WebSocketServer server) {
        server.setWebSocketFactory(new WebSocketServerFactory() {
            @Override
            public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
                return new WebSocketImpl(a, d);
            }

            @Override
            public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
                return new WebSocketImpl(a, drafts);
            }

            @Override
            public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) {
                return new FrameChannel(channel);
            }

            @Override
            public void close() {
                // the writer thread is closed with the server
            }
        });
    }

    /**
     * Sends one frame on a connection, in order with every other write to it; does nothing when
     * the connection is not open. Thread-safe.
     *
     * @param ws the connection (accepted by a server these writes are installed on)
     * @param frame the frame
     */
    void send(WebSocket ws, Framedata frame) {
        if (!ws.isOpen() || !(ws instanceof WebSocketImpl)) {
            return;
        }
        WebSocketImpl impl = (WebSocketImpl) ws;
        if (!(impl.getChannel() instanceof FrameChannel)) {
            ws.sendFrame(frame);
            return;
        }
        ByteBuffer bytes = impl.getDraft().createBinaryFrame(frame);
        try {
            ((FrameChannel) impl.getChannel()).write(bytes);
        } catch (IOException e) {
            impl.closeConnection(CloseFrame.ABNORMAL_CLOSE, "write failed: " + e.getMessage());
        }
    }

    /**
     * Sends a text message as one or more frames.
     *
     * @param ws the connection
     * @param text the message
     */
    void sendText(WebSocket ws, String text) {
        if (!ws.isOpen() || ws.getDraft() == null) {
            return;
        }
        for (Framedata f : ws.getDraft().createFrames(text, false)) {
            send(ws, f);
        }
    }

    /**
     * Sends a binary message as one or more frames.
     *
     * @param ws the connection
     * @param bytes the message
     */
    void sendBinary(WebSocket ws, ByteBuffer bytes) {
        if (!ws.isOpen() || ws.getDraft() == null) {
            return;
        }
        for (Framedata f : ws.getDraft().createFrames(bytes, false)) {
            send(ws, f);
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select();
                FrameChannel c;
                while ((c = wanting.poll()) != null) {
                    try {
                        SelectionKey key = c.socket.keyFor(selector);
                        if (key == null) {
                            c.socket.register(selector, SelectionKey.OP_WRITE, c);
                        } else {
                            key.interestOps(SelectionKey.OP_WRITE);
                        }
                    } catch (ClosedChannelException | CancelledKeyException e) {
                        c.dropPending();
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((FrameChannel) key.attachment()).flushFromWriter(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** The socket of one connection, with its pending bytes. Every write happens under its lock. */
    final class FrameChannel implements ByteChannel {
        final SocketChannel socket;
        // guarded by this
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

        FrameChannel(SocketChannel socket) {
            this.socket = socket;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        /**
         * Writes all of {@code src} now or, what the socket does not take, after the bytes
         * already pending; always reports everything written, so the library never holds half a
         * frame.
         */
        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (pending.isEmpty()) {
                socket.write(src);
            }
            if (src.hasRemaining()) {
                ByteBuffer copy = ByteBuffer.allocate(src.remaining());
                copy.put(src).flip();
                boolean wasEmpty = pending.isEmpty();
                pending.add(copy);
                if (wasEmpty) {
                    wanting.add(this);
                    selector.wakeup();
                }
            }
            return n;
        }

        /** On the writer thread: write what is pending; stop watching once nothing is left. */
        synchronized void flushFromWriter(SelectionKey key) {
            try {
                ByteBuffer head;
                while ((head = pending.peek()) != null) {
                    socket.write(head);
                    if (head.hasRemaining()) {
                        return;
                    }
                    pending.poll();
                }
                key.interestOps(0);
            } catch (IOException | CancelledKeyException e) {
                pending.clear();
                key.cancel();
            }
        }

        synchronized void dropPending() {
            pending.clear();
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
