package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.TransportOptions;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * The {@link HttpClient}s of one transport, one per connect timeout.
 *
 * <p>{@code HttpClient}'s connect timeout is a property of the client, not of the request, so a
 * request with a timeout of its own needs a client configured for it. Each client owns one
 * selector thread and its own connection pool, so the number of clients is bounded by
 * {@link #MAX_CLIENTS}; when that many exist, a request with yet another timeout uses the client
 * with the closest shorter timeout (or else the shortest one), so that it never waits longer than
 * it asked for. Real applications use one or two timeouts.
 */
final class HttpClients {
    /** Most clients (distinct connect timeouts) kept per transport. */
    static final int MAX_CLIENTS = 4;

    private final TransportOptions options;
    private final Executor executor;
    private final TreeMap<Duration, HttpClient> byTimeout = new TreeMap<>();
    private boolean closed;

    HttpClients(TransportOptions options, Executor executor) {
        this.options = options;
        this.executor = executor;
    }

    synchronized HttpClient forConnectTimeout(Duration timeout) {
        if (closed) {
            throw new IllegalStateException("this JDK transport is closed; create a new one");
        }
        HttpClient c = byTimeout.get(timeout);
        if (c != null) {
            return c;
        }
        if (byTimeout.size() >= MAX_CLIENTS) {
            Map.Entry<Duration, HttpClient> e = byTimeout.floorEntry(timeout);
            return (e != null ? e : byTimeout.firstEntry()).getValue();
        }
        c = build(timeout);
        byTimeout.put(timeout, c);
        return c;
    }

    /**
     * Forgets the clients so that their idle connections and selector threads end. On Java 17
     * {@code HttpClient} has no close method: its selector thread stops and idle connections are
     * closed once the client is unreachable and has no exchange in flight. On Java 21+ the
     * client's non-blocking {@code shutdown()} is called, which lets open exchanges finish.
     */
    void close() {
        List<HttpClient> clients;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            clients = new ArrayList<>(byTimeout.values());
            byTimeout.clear();
        }
        clients.forEach(HttpClients::shutdownIfSupported);
    }

    private HttpClient build(Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder()
                // HTTP/1.1: one connection per streamed response, so that cancelling a stream
                // closes its connection and TCP flow control is the backpressure. Over HTTP/2 the
                // JDK keeps reading into its stream window (MiBs) with no demand, cancel only
                // resets the stream, and for cleartext it would add h2c upgrade headers.
                .version(HttpClient.Version.HTTP_1_1)
                // the api follows redirects itself, identically for every transport
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor);
        options.sslContext().ifPresent(b::sslContext);
        return b.build();
    }

    private static void shutdownIfSupported(HttpClient client) {
        try {
            Method shutdown = HttpClient.class.getMethod("shutdown");
            shutdown.invoke(client);
        } catch (NoSuchMethodException e) {
            // Java 17-20: dropping the reference is all there is
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(HttpClients.class.getName()).log(System.Logger.Level.DEBUG, "HttpClient.shutdown() failed", e);
        }
    }
}
