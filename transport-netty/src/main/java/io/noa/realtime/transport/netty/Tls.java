package io.noa.realtime.transport.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.TransportOptions;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Client TLS: a Netty {@link SslContext} with the JVM's default trust, or engines from the
 * {@code SSLContext} in {@link TransportOptions}; certificate and host name verification are
 * always on.
 */
final class Tls {
    private final SSLContext custom; // null: default trust
    private SslContext defaults; // built on first use: most clients never open https

    Tls(TransportOptions options) {
        this.custom = options.sslContext().orElse(null);
    }

    /** A handler for one connection; SNI and host name verification use {@code host}. */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler;
        if (custom != null) {
            SSLEngine engine = custom.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            handler = new SslHandler(engine);
        } else {
            handler = defaults().newHandler(alloc, host, port);
        }
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        handler.setHandshakeTimeoutMillis(0); // the caller's connect timeout covers the handshake
        return handler;
    }

    private synchronized SslContext defaults() {
        if (defaults == null) {
            try {
                defaults = SslContextBuilder.forClient()
                        .sslProvider(SslProvider.JDK)
                        .endpointIdentificationAlgorithm("HTTPS")
                        .build();
            } catch (SSLException e) {
                throw new TransportException("Could not initialise TLS with the JVM's default trust; "
                        + "pass an SSLContext through TransportOptions.sslContext", e);
            }
        }
        return defaults;
    }
}
