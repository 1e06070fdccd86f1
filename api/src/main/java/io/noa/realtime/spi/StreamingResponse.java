package io.noa.realtime.spi;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * The head of an HTTP response and its body as a stream of bytes.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #status()} and {@link #headers()} are available when the response future
 *       completes, before any body byte is read.</li>
 *   <li>{@link #body()} MUST be subscribed at most once; a second subscriber MUST receive
 *       {@code onError(IllegalStateException)}.</li>
 *   <li>Backpressure: the transport MUST NOT read from the socket beyond what is needed to
 *       satisfy outstanding demand (plus at most one read buffer); with no demand it stops
 *       reading, so the server's writes back up into TCP flow control.</li>
 *   <li>Each {@code ByteBuffer} handed to {@code onNext} is valid only until {@code onNext}
 *       returns; the transport MAY reuse its memory afterwards. The subscriber MUST copy what it
 *       keeps and MUST NOT modify the buffer's content.</li>
 *   <li>{@code onNext}, {@code onError} and {@code onComplete} MUST be signalled serially (never
 *       concurrently) and MAY run on a transport I/O thread; subscribers MUST NOT block in them.
 *       {@code request} and {@code cancel} MAY be called from any thread, including from inside
 *       {@code onNext}.</li>
 *   <li>Exactly one terminal signal: {@code onComplete} when the body ended as framed by HTTP, or
 *       {@code onError} with a {@link io.noa.realtime.TransportException} when the connection
 *       failed or closed early. None after {@code cancel}.</li>
 *   <li>{@code cancel} (or {@link #close()}) MUST release the connection promptly: close it, or
 *       return it to a pool only if the response was read to its end.</li>
 * </ul>
 */
public interface StreamingResponse extends AutoCloseable {
    /**
     * The HTTP status code.
     *
     * @return the status
     */
    int status();

    /**
     * The response headers.
     *
     * @return the headers
     */
    Headers headers();

    /**
     * The body bytes, with backpressure. Subscribe at most once.
     *
     * @return the single-use body publisher
     */
    Flow.Publisher<ByteBuffer> body();

    /**
     * Abandons the response: cancels the body subscription if any, or discards the body if it was
     * never subscribed, and releases the connection. Idempotent; safe from any thread.
     */
    @Override
    void close();
}
