/**
 * The JDK transport: noa-realtime over {@code java.net.http.HttpClient} and
 * {@code java.net.http.WebSocket}, with no dependency beyond the JDK. Use
 * {@link io.noa.realtime.transport.jdk.JdkTransport#create()} or select it by name with
 * {@code Transports.load("jdk")} (or {@code -Dnoa.transport=jdk}).
 *
 * <h2>HTTP</h2>
 * One {@code HttpClient} per transport (per distinct connect timeout, at most four), HTTP/1.1
 * only, redirects never followed (the api follows them). A response body is a single-subscriber
 * {@code Flow.Publisher<ByteBuffer>} with real backpressure: the JDK reads the socket only while
 * there is demand, so a slow consumer backs the server up through TCP. Cancelling the body closes
 * the connection. Why HTTP/1.1: over HTTP/2 the JDK keeps reading into a multi-MiB stream window
 * without demand, a cancel only resets the stream, and on cleartext it adds h2c upgrade headers.
 *
 * <h2>WebSocket</h2>
 * Whole messages only (fragments are joined, bounded by {@code maxWebSocketMessageSize}; a larger
 * message ends the session with a {@code LimitExceededException} and a close frame; a larger
 * outgoing text or binary message is refused with one, unsent). Text, binary, ping and close sends
 * share one queue, in call order, because the JDK allows one outstanding send at a time. Message demand is mapped onto
 * the JDK's per-part demand. The JDK answers pings itself.
 *
 * <h2>Threads</h2>
 * One shared daemon timer thread {@code noa-jdk-scheduler}, one shared pool of daemon threads
 * {@code noa-jdk-http-N} used as every client's executor (idle threads end after a few seconds),
 * and one JDK selector thread per {@code HttpClient}. The shared threads are counted by the open
 * JDK transports: closing the last one stops them, and the next transport starts them again.
 * Callbacks run on these threads and must not block.
 *
 * <h2>Throughput</h2>
 * {@code HttpClient} reads the socket 16 KB at a time and hands every read from its selector thread
 * to its executor, which is most of what this transport spends per event beyond parsing on a fast
 * stream. The JDK's system property {@code jdk.httpclient.bufsize} (read once, when
 * {@code HttpClient} is first used) changes that size for the whole process: 64 KB took a parsed
 * SSE stream from about 1.7 to 2.8 million events/s on a 2-core machine in the benchmarks
 * ({@code benchmarks/README.md}), at the cost of a buffer that size per open connection. The
 * transport does not set it, since it changes every {@code HttpClient} of the application.
 *
 * <p>Time to the first event: the transport must not block the caller, so it uses
 * {@code HttpClient.sendAsync}, which on Java 17 runs every stage of the exchange on the executor
 * and completes its own future on {@code CompletableFuture}'s default executor. On machines with
 * 2 cores or fewer that executor starts a new thread per response (the common pool has
 * parallelism 1); {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} avoids it and
 * cut the median time to the first token by about 0.2 ms in the benchmarks. The Netty transport
 * has neither cost.
 *
 * <h2>Re-sends</h2>
 * The transport never re-sends a request. {@code HttpClient} itself sends a {@code GET} or
 * {@code HEAD} once more when a reused connection is closed before any response byte, and this
 * cannot be switched off per client; other methods fail with a retryable
 * {@code TransportException} and the api's retry policy decides.
 *
 * <h2>Limits of the JDK</h2>
 * <ul>
 *   <li>The headers {@code Connection}, {@code Upgrade}, {@code Expect} and
 *       {@code Transfer-Encoding} cannot be sent; {@code Host} and {@code Content-Length} are
 *       always derived from the URI and body. The JDK adds {@code User-Agent: Java-http-client/…}
 *       unless the request sets one.</li>
 *   <li>Response headers arrive sorted by name (the JDK does not keep their order).</li>
 *   <li>{@code java.net.http.WebSocket} refuses to send close code 1009 (and 1002, 1003, 1007,
 *       1010-1014) from a client, so a message over the limit is answered with 1008 (policy
 *       violation) instead of the 1009 the SPI asks for.</li>
 *   <li>A WebSocket without demand does not read at all, so a peer's close or a dropped
 *       connection is only noticed once demand returns (or a close was sent).</li>
 *   <li>On Java 17, {@code close()} cannot close idle pooled connections at once; they close when
 *       the JDK collects the client.</li>
 * </ul>
 */
package io.noa.realtime.transport.jdk;
