package io.noa.realtime.tck;

import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WebSocketListener} for contract tests: records every callback, checks that calls are
 * never concurrent, and counts terminal callbacks.
 */
public final class RecordingListener implements WebSocketListener {
    /** A close callback's arguments. */
    public record Close(int code, String reason) {}

    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<byte[]> pongs = new CopyOnWriteArrayList<>();
    private final List<byte[]> binaries = new CopyOnWriteArrayList<>();
    private final List<Object> messages = new CopyOnWriteArrayList<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger terminals = new AtomicInteger();
    private final AtomicBoolean inCallback = new AtomicBoolean();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final long demandOnOpen;

    /**
     * A listener that requests {@code demandOnOpen} messages in {@code onOpen}.
     *
     * @param demandOnOpen 0 for none
     */
    public RecordingListener(long demandOnOpen) {
        this.demandOnOpen = demandOnOpen;
    }

    /**
     * A listener with unbounded demand.
     *
     * @return the listener
     */
    public static RecordingListener unbounded() {
        return new RecordingListener(Long.MAX_VALUE);
    }

    private void enter(String what) {
        if (!inCallback.compareAndSet(false, true)) {
            overlaps.incrementAndGet();
        }
        order.add(what);
    }

    private void exit() {
        inCallback.set(false);
    }

    @Override
    public void onOpen(WebSocketSession session) {
        enter("open");
        opens.incrementAndGet();
        if (demandOnOpen > 0) {
            session.request(demandOnOpen);
        }
        exit();
    }

    @Override
    public void onText(WebSocketSession session, CharSequence text) {
        enter("text");
        texts.add(text.toString());
        messages.add(text.toString());
        exit();
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuffer data) {
        enter("binary");
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy); // valid only during the call
        binaries.add(copy);
        messages.add(copy);
        exit();
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer data) {
        enter("pong");
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        pongs.add(copy);
        exit();
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        enter("close");
        terminals.incrementAndGet();
        closed.complete(new Close(code, reason));
        exit();
    }

    @Override
    public void onError(WebSocketSession session, Throwable error) {
        enter("error");
        terminals.incrementAndGet();
        failed.complete(error);
        exit();
    }

    /**
     * Texts received, in order.
     *
     * @return a snapshot
     */
    public List<String> texts() {
        return new ArrayList<>(texts);
    }

    /**
     * Binary messages received, in order (copies made during the callback).
     *
     * @return a snapshot
     */
    public List<byte[]> binaries() {
        return new ArrayList<>(binaries);
    }

    /**
     * Every message received, text and binary, in order: a {@code String} for text, a
     * {@code byte[]} for binary.
     *
     * @return a snapshot
     */
    public List<Object> messages() {
        return new ArrayList<>(messages);
    }

    /**
     * Pong payloads received.
     *
     * @return a snapshot
     */
    public List<byte[]> pongs() {
        return new ArrayList<>(pongs);
    }

    /**
     * Callback names in call order ({@code open}, {@code text}, {@code binary}, {@code pong},
     * {@code close}, {@code error}).
     *
     * @return a snapshot
     */
    public List<String> order() {
        return new ArrayList<>(order);
    }

    /**
     * Number of {@code onOpen} calls.
     *
     * @return the count
     */
    public int opens() {
        return opens.get();
    }

    /**
     * Number of terminal callbacks; the contract allows exactly one.
     *
     * @return the count
     */
    public int terminals() {
        return terminals.get();
    }

    /**
     * Number of times a callback started while another was running (must stay 0).
     *
     * @return the count
     */
    public int overlaps() {
        return overlaps.get();
    }

    /**
     * Completes on {@code onClose}.
     *
     * @return the close
     */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    /**
     * Completes on {@code onError}.
     *
     * @return the error
     */
    public CompletableFuture<Throwable> failed() {
        return failed;
    }
}
