package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.noa.realtime.HandshakeException;

/**
 * The Socket.IO server refused the CONNECT to a namespace (a CONNECT_ERROR packet): its
 * middleware rejected the auth payload, or the namespace does not exist. Like the reference
 * client, the {@code RealtimeClient} does not reconnect after it; fix the cause and call
 * {@code connect()} again.
 */
public final class SocketIoConnectException extends HandshakeException {
    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final String serverMessage;
    private final transient JsonNode data;

    /**
     * Creates the exception.
     *
     * @param target the endpoint, already redacted
     * @param namespace the namespace that refused
     * @param serverMessage the {@code message} of the CONNECT_ERROR packet
     * @param data its {@code data}, or a missing node when it had none
     */
    public SocketIoConnectException(String target, String namespace, String serverMessage, JsonNode data) {
        super(target, 0, "Socket.IO namespace '" + namespace + "' refused the connection: " + serverMessage);
        this.namespace = namespace;
        this.serverMessage = serverMessage;
        this.data = data == null ? MissingNode.getInstance() : data;
    }

    /**
     * The namespace that refused.
     *
     * @return e.g. {@code "/"} or {@code "/admin"}
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The server's message ({@code new Error(message)} in the server's middleware).
     *
     * @return e.g. {@code "unauthorized"} or {@code "Invalid namespace"}
     */
    public String serverMessage() {
        return serverMessage;
    }

    /**
     * The server's extra data ({@code err.data} in the middleware).
     *
     * @return the data, or a missing node ({@link JsonNode#isMissingNode()}) when it sent none
     */
    public JsonNode data() {
        return data == null ? MissingNode.getInstance() : data;
    }
}
