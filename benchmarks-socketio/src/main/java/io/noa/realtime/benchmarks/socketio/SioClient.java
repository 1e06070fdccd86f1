package io.noa.realtime.benchmarks.socketio;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One Socket.IO client under test, connected to the main namespace of the benchmark server. Every
 * acknowledged emit sends {@code ask} with {@code {"seq": n, "content": "..."}}, which the server
 * acknowledges with the same object; the future completes with the answer's {@code seq}.
 */
interface SioClient extends AutoCloseable {
    /** How long anything may take before the run fails. */
    Duration WAIT = Duration.ofSeconds(60);

    /** The text every payload carries. */
    String CONTENT = "Hello, room! This is a short chat message.";

    /**
     * The client's name in the tables.
     *
     * @return e.g. {@code "noa RealtimeClient (netty)"}
     */
    String name();

    /**
     * Connects, and returns once the Socket.IO CONNECT was answered.
     *
     * @throws Exception when it cannot connect within {@link #WAIT}
     */
    void open() throws Exception;

    /**
     * One acknowledged emit of {@code ask}.
     *
     * @param seq the sequence number to send
     * @param withTimeout whether the client should arm an acknowledgement timeout ({@link #WAIT}) the
     *     way a user who wants one must; our client always has one
     * @return the {@code seq} of the answer
     */
    CompletableFuture<Long> ask(long seq, boolean withTimeout);

    @Override
    void close();
}
