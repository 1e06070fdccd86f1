package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.Redact;
import java.net.URI;
import java.util.Locale;

/**
 * Where to connect: host, port, TLS or not, plus the redacted URL for messages. Also the key of
 * the connection pool.
 */
final class Endpoint {
    private final String host;
    private final int port;
    private final boolean secure;
    private final String target;

    private Endpoint(String host, int port, boolean secure, String target) {
        this.host = host;
        this.port = port;
        this.secure = secure;
        this.target = target;
    }

    /** For {@code http}/{@code https} or {@code ws}/{@code wss} URIs. */
    static Endpoint of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https") || scheme.equals("wss");
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("URI has no host: " + Redact.url(uri));
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        return new Endpoint(host, port, secure, Redact.url(uri));
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    boolean secure() {
        return secure;
    }

    /** The redacted URL of the request that created this endpoint; for messages only. */
    String target() {
        return target;
    }

    /** The {@code Host} header value. */
    String hostHeader() {
        boolean defaultPort = port == (secure ? 443 : 80);
        return defaultPort ? host : host + ':' + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Endpoint)) {
            return false;
        }
        Endpoint e = (Endpoint) o;
        return port == e.port && secure == e.secure && host.equalsIgnoreCase(e.host);
    }

    @Override
    public int hashCode() {
        return (host.toLowerCase(Locale.ROOT).hashCode() * 31 + port) * 2 + (secure ? 1 : 0);
    }

    @Override
    public String toString() {
        return (secure ? "https://" : "http://") + host + ':' + port;
    }
}
