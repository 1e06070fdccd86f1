package io.noa.realtime.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;

/**
 * RFC 6455 with two test hooks: it shows every close frame a client sends to a hook, and it
 * can turn the upgrade answer into any HTTP status (Java-WebSocket itself can only refuse with
 * 404 or 500). A refusal is marked by the server with the {@link #REFUSE} field.
 */
final class TestDraft extends Draft_6455 {
    /** Handshake field the server sets to the status to refuse with. */
    static final String REFUSE = "X-Noa-Testkit-Refused";

    /** Sees each close frame a client sends; returns true when it has handled the frame itself. */
    interface CloseHook {
        boolean onCloseFrame(WebSocketImpl webSocket, CloseFrame frame);
    }

    private final CloseHook closeHook;

    TestDraft(CloseHook closeHook) {
        this.closeHook = closeHook;
    }

    @Override
    public Draft copyInstance() {
        return new TestDraft(closeHook);
    }

    @Override
    public void processFrame(WebSocketImpl webSocket, Framedata frame) throws InvalidDataException {
        if (frame.getOpcode() == Opcode.CLOSING && frame instanceof CloseFrame
                && closeHook.onCloseFrame(webSocket, (CloseFrame) frame)) {
            return;
        }
        super.processFrame(webSocket, frame);
    }

    @Override
    public List<ByteBuffer> createHandshake(Handshakedata handshake) {
        return refused(handshake).orElseGet(() -> super.createHandshake(handshake));
    }

    @Override
    public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
        return refused(handshake).orElseGet(() -> super.createHandshake(handshake, withContent));
    }

    /** The whole HTTP answer for a refused upgrade (Java-WebSocket would always write status 101). */
    private static Optional<List<ByteBuffer>> refused(Handshakedata handshake) {
        if (!(handshake instanceof ServerHandshake) || !handshake.hasFieldValue(REFUSE)) {
            return Optional.empty();
        }
        int status = Integer.parseInt(handshake.getFieldValue(REFUSE));
        String body = "WebSocket upgrade refused with " + status + " by WebSocketTestServer\n";
        String answer = "HTTP/1.1 " + status + " Refused\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n\r\n" + body;
        return Optional.of(List.of(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII))));
    }
}
