package io.noa.realtime.transport.netty;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;

/** Turns Netty and JDK network failures into the api's exception types, with helpful messages. */
final class Errors {
    private Errors() {}

    /**
     * A failure to connect (resolve, TCP, TLS) as the api's type, with the message shape every
     * transport uses: what happened, the host or the redacted URL, and what to check.
     */
    static RealtimeException connectFailure(Endpoint ep, Duration timeout, Throwable cause) {
        Throwable c = unwrap(cause);
        if (c instanceof RealtimeException) {
            return (RealtimeException) c;
        }
        if (c instanceof io.netty.channel.ConnectTimeoutException) {
            return new ConnectTimeoutException(ep.target(), timeout);
        }
        Throwable ssl = find(c, SSLException.class);
        if (ssl != null) {
            return new TransportException("TLS handshake with " + ep.target() + " failed (" + ssl.getMessage()
                    + "); check the server certificate and host name, or set TransportOptions.sslContext", c);
        }
        if (find(c, UnknownHostException.class) != null) {
            return new TransportException("Unknown host " + ep.host() + " (" + ep.target()
                    + "); check the host name in the URL and the DNS settings", c);
        }
        if (c instanceof ConnectException) {
            String why = String.valueOf(c.getMessage());
            if (why.contains("refused")) {
                return new TransportException("Connection refused by " + ep.host() + ':' + ep.port() + " (" + ep.target()
                        + "); check that the server is running and the port is right", c);
            }
            return new TransportException("Could not connect to " + ep.host() + ':' + ep.port() + " (" + ep.target()
                    + ": " + why + "); check that the server is running and reachable from here", c);
        }
        return io(ep.target(), "connecting to", c);
    }

    static TransportException io(String target, String during, Throwable cause) {
        Throwable c = unwrap(cause);
        if (c instanceof TransportException) {
            return (TransportException) c;
        }
        return new TransportException("Network error while " + during + " " + target
                + (c == null ? "" : " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")"), c);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static Throwable find(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }
}
