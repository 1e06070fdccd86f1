package io.noa.realtime.transport.jdk;

import io.noa.realtime.TransportException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns the JDK's connect failures (name resolution, TCP, TLS) into {@link TransportException}s
 * with the message shape every transport uses: what happened, the host or the redacted URL, and
 * what to check. {@code HttpClient} reports a refused connection as a bare
 * {@link ConnectException} and an unknown host as an {@link UnresolvedAddressException} inside
 * one, so the cause chain is searched.
 */
final class ConnectErrors {
    private ConnectErrors() {}

    /** The typed failure, or empty when {@code error} is not a connect failure. */
    static Optional<TransportException> of(Throwable error, URI uri, String target) {
        String host = uri.getHost() == null ? "" : uri.getHost();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        Throwable ssl = find(error, SSLException.class);
        if (ssl != null) {
            return Optional.of(new TransportException("TLS handshake with " + target + " failed (" + ssl.getMessage()
                    + "); check the server certificate and host name, or set TransportOptions.sslContext", error));
        }
        if (find(error, UnresolvedAddressException.class) != null || find(error, UnknownHostException.class) != null) {
            return Optional.of(new TransportException("Unknown host " + host + " (" + target
                    + "); check the host name in the URL and the DNS settings", error));
        }
        Throwable connect = find(error, ConnectException.class);
        if (connect != null) {
            String why = connect.getMessage();
            if (why == null || why.contains("refused")) {
                return Optional.of(new TransportException("Connection refused by " + host + ':' + port + " (" + target
                        + "); check that the server is running and the port is right", error));
            }
            return Optional.of(new TransportException("Could not connect to " + host + ':' + port + " (" + target
                    + ": " + why + "); check that the server is running and reachable from here", error));
        }
        return Optional.empty();
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
