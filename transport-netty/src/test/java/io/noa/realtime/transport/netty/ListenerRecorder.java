package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Records WebSocket listener calls, and whether any two ever overlapped. */
final class ListenerRecorder implements WebSocketListener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<String> pongs = new CopyOnWriteArrayList<>();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger terminals = new AtomicInteger();
    final AtomicReference<String> closed = new AtomicReference<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicBoolean callAfterTerminal = new AtomicBoolean();
    final AtomicBoolean concurrentCall = new AtomicBoolean();
    private final AtomicBoolean inCall = new AtomicBoolean();

    private void enter() {
        if (!inCall.compareAndSet(false, true)) {
            concurrentCall.set(true);
        }
        if (terminals.get() > 0) {
            callAfterTerminal.set(true);
        }
    }

    private void exit() {
        inCall.set(false);
    }

    @Override
    public void onOpen(WebSocketSession session) {
        enter();
        opens.incrementAndGet();
        exit();
    }

    @Override
    public void onText(WebSocketSession session, CharSequence text) {
        enter();
        texts.add(text.toString());
        exit();
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer data) {
        enter();
        pongs.add(StandardCharsets.UTF_8.decode(data).toString());
        exit();
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        enter();
        closed.set(code + ":" + reason);
        terminals.incrementAndGet();
        exit();
    }

    @Override
    public void onError(WebSocketSession session, Throwable t) {
        enter();
        error.set(t);
        terminals.incrementAndGet();
        exit();
    }
}
