package io.noa.realtime.transport.jdk;

import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code java.net.http.WebSocket.Listener} of one session: turns the JDK's parts into whole
 * messages and the SPI's per-message demand into the JDK's per-part demand.
 *
 * <p>The JDK's {@code request(n)} counts listener invocations (every text or binary part, ping
 * and pong), not messages. So this class keeps exactly one JDK request outstanding while the SPI
 * listener has demand, while a message is half received, or while the answer to our close frame
 * is due; otherwise it requests nothing, the JDK stops reading the socket and the peer's writes
 * back up into TCP. The JDK answers pings by itself.
 */
final class Receiver implements WebSocket.Listener {
    private final JdkWebSocketSession session;
    private final MessageAssembler assembler;
    private final AtomicBoolean outstanding = new AtomicBoolean();

    Receiver(JdkWebSocketSession session, int maxMessageSize) {
        this.session = session;
        this.assembler = new MessageAssembler(maxMessageSize);
    }

    /** Issues one JDK request if a part is wanted and none is outstanding. Any thread. */
    void requestMore() {
        WebSocket w = session.webSocket();
        if (w == null || session.isAborted()) {
            return;
        }
        boolean closing = session.awaitingCloseReply();
        if (session.isTerminated() && !closing) {
            return;
        }
        boolean wanted = closing || assembler.inProgress() || session.demand() > 0;
        if (wanted && outstanding.compareAndSet(false, true)) {
            w.request(1);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        session.attach(webSocket); // initial demand is zero: request nothing yet
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        outstanding.set(false);
        if (!session.isTerminated()) {
            try {
                Optional<String> whole = assembler.text(data, last);
                whole.ifPresent(text -> {
                    if (session.takeDemand()) {
                        session.deliver(() -> session.listener().onText(session, text));
                    } // else: closing without demand, the message is dropped
                });
            } catch (LimitExceededException e) {
                session.failTooBig(e);
            }
        }
        requestMore();
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        outstanding.set(false);
        if (!session.isTerminated()) {
            try {
                Optional<ByteBuffer> whole = assembler.binary(data, last);
                whole.ifPresent(bytes -> {
                    if (session.takeDemand()) {
                        session.deliver(() -> session.listener().onBinary(session, bytes));
                    }
                });
            } catch (LimitExceededException e) {
                session.failTooBig(e);
            }
        }
        requestMore();
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        outstanding.set(false); // the JDK sends the pong itself
        requestMore();
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        outstanding.set(false);
        if (!session.isTerminated()) {
            ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message).flip();
            session.deliver(() -> session.listener().onPong(session, copy));
        }
        requestMore();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        session.connectionEnded();
        if (statusCode == 1006) { // the JDK's report of an end of stream without a close frame
            session.terminateWithError(new TransportException("The WebSocket connection to " + session.target()
                    + " closed without a close frame"));
        } else {
            session.terminateWithClose(statusCode, reason);
        }
        return null; // the JDK answers with a close frame now
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        session.connectionEnded();
        session.terminateWithError(map(error));
    }

    private RealtimeException map(Throwable error) {
        if (error instanceof RealtimeException) {
            return (RealtimeException) error;
        }
        if (error instanceof OutOfMemoryError) {
            // not a network failure: retrying would only run out of memory again
            return new RealtimeException("The JVM ran out of memory while receiving from the WebSocket " + session.target()
                    + "; lower 'maxWebSocketMessageSize' or give the JVM more heap", error);
        }
        if (error instanceof java.net.ProtocolException) {
            return new ProtocolException("The WebSocket peer " + session.target() + " broke the protocol: " + error, error);
        }
        return new TransportException("The WebSocket connection to " + session.target() + " failed: " + error, error);
    }
}
