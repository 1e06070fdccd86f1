package io.noa.realtime.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback port where TCP connects hang, so a client runs into its <em>connect</em> timeout
 * (not a read timeout, not "connection refused").
 *
 * <p>How: a {@link ServerSocket} with a listen backlog of 1 that never accepts; at start a few
 * throwaway connections fill its accept queue. Once the queue is full, Linux drops further SYNs
 * silently, so {@code connect()} waits for an answer that never comes until the client gives up.
 * {@link #start()} checks this with a probe connect and fails if the platform accepts anyway
 * (some systems answer a full queue with a reset instead; such a platform cannot simulate a
 * connect timeout this way). Tested on Linux; the kernel's SYN retries make a hung connect last
 * about two minutes when the client sets no timeout, so always set one.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#unresponsive-listener -->
 * <pre>{@code
 * try (UnresponsiveListener blackhole = UnresponsiveListener.start();
 *         SseClient client = SseClient.builder(blackhole.uri("http")).connectTimeout(Duration.ofMillis(200))
 *                 .retryPolicy(RetryPolicy.builder().maxRetries(0).build()).build()) {
 *     List<Throwable> errors = new CopyOnWriteArrayList<>();
 *     client.onError(errors::add);
 *     client.connect();
 *     await().until(() -> client.state() == ConnectionState.FAILED);
 *     assertThat(errors).last().isInstanceOf(ConnectTimeoutException.class);
 * }
 * }</pre>
 */
public final class UnresponsiveListener implements AutoCloseable {
    private static final int PROBE_TIMEOUT_MILLIS = 200;
    private static final int MAX_FILLERS = 16;

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private UnresponsiveListener() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        server = new ServerSocket(0, 1, loopback);
        InetSocketAddress address = new InetSocketAddress(loopback, server.getLocalPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket s = new Socket();
            try {
                s.connect(address, PROBE_TIMEOUT_MILLIS);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return; // the queue is full: connects now hang
            } catch (IOException e) {
                s.close();
                throw new IOException("the platform refuses connects to a full listen queue instead of "
                        + "letting them hang (" + e + "); UnresponsiveListener cannot work here", e);
            }
        }
        throw new IOException("connects to a listen backlog of 1 still succeed after " + MAX_FILLERS
                + " connections; UnresponsiveListener cannot make connects hang on this platform");
    }

    /**
     * Starts the listener on an ephemeral loopback port and makes sure connects to it hang.
     *
     * @return the listener
     * @throws IllegalStateException if connects do not hang on this platform
     */
    public static UnresponsiveListener start() {
        try {
            return new UnresponsiveListener();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The port where connects hang.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * A URI on this port.
     *
     * @param scheme e.g. {@code http}, {@code https}, {@code ws}
     * @return {@code <scheme>://127.0.0.1:<port>/}
     */
    public URI uri(String scheme) {
        Objects.requireNonNull(scheme, "scheme");
        return URI.create(scheme + "://127.0.0.1:" + port() + "/");
    }

    /** Closes the listening socket and the throwaway connections. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Socket s : fillers) {
                closeQuietly(s);
            }
            try {
                server.close();
            } catch (IOException e) {
                System.getLogger(UnresponsiveListener.class.getName())
                        .log(System.Logger.Level.DEBUG, "closing the listener failed", e);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            System.getLogger(UnresponsiveListener.class.getName())
                    .log(System.Logger.Level.DEBUG, "closing a filler socket failed", e);
        }
    }

    @Override
    public String toString() {
        return "UnresponsiveListener[127.0.0.1:" + port() + "]";
    }

    /**
     * Runs a listener from the command line until killed and prints its address.
     *
     * @param args ignored
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        UnresponsiveListener listener = start();
        System.out.println("UnresponsiveListener: connects to " + listener.uri("tcp") + " hang");
        Runtime.getRuntime().addShutdownHook(new Thread(listener::close));
        Thread.currentThread().join();
    }
}
