package io.noa.realtime;

import io.noa.realtime.internal.Redaction;

/**
 * The WebSocket opening handshake (or a protocol-level handshake after it, such as a Socket.IO
 * CONNECT) was refused. {@link #status()} is the HTTP status when the HTTP upgrade was refused,
 * or 0 when the refusal came later.
 */
public class HandshakeException extends RealtimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param target the endpoint, already redacted
     * @param status the HTTP status of the refused upgrade, or 0
     * @param reason a short reason, never containing credentials
     */
    public HandshakeException(String target, int status, String reason) {
        super("WebSocket handshake with " + target + " refused"
                + (status > 0 ? " with HTTP " + status : "")
                + (reason == null || reason.isEmpty() ? "" : ": " + Redaction.excerpt(reason))
                + hint(status));
        this.status = status;
    }

    private static String hint(int status) {
        if (status == 401 || status == 403) {
            return "; check the credentials or auth payload";
        }
        if (status == 404) {
            return "; check the URL path";
        }
        return "";
    }

    /**
     * The HTTP status of the refused upgrade.
     *
     * @return the status, or 0 when the refusal did not come from the HTTP upgrade
     */
    public int status() {
        return status;
    }
}
