package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Records every callback and checks the listener contract (serial, onOpen first, one terminal). */
final class RecordingListener implements WebSocketListener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<String> pongs = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger terminals = new AtomicInteger();
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    private final AtomicBoolean inCallback = new AtomicBoolean();
    private final long demandOnOpen;

    RecordingListener(long demandOnOpen) {
        this.demandOnOpen = demandOnOpen;
    }

    private void enter(String event) {
        if (!inCallback.compareAndSet(false, true)) {
            violations.add("concurrent callback: " + event);
        }
        if (events.isEmpty() && !event.equals("open")) {
            violations.add("first callback was " + event);
        }
        if (terminals.get() > 0) {
            violations.add("callback after terminal: " + event);
        }
        events.add(event);
    }

    private void exit() {
        inCallback.set(false);
    }

    @Override
    public void onOpen(WebSocketSession session) {
        enter("open");
        if (demandOnOpen > 0) {
            session.request(demandOnOpen);
        }
        exit();
    }

    @Override
    public void onText(WebSocketSession session, CharSequence text) {
        enter("text");
        texts.add(text.toString());
        exit();
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer data) {
        enter("pong");
        pongs.add(StandardCharsets.UTF_8.decode(data).toString());
        exit();
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        enter("close");
        terminals.incrementAndGet();
        closed.complete(new int[] {code});
        closeReason.complete(reason);
        exit();
    }

    @Override
    public void onError(WebSocketSession session, Throwable t) {
        enter("error");
        terminals.incrementAndGet();
        error.complete(t);
        exit();
    }
}
