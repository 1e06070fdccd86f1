package io.noa.realtime.reactor;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.flow.ConnectionStates;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import java.util.Objects;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor views of an {@link SseClient}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ReactorExamples.java#reactor-sse -->
 * <pre>{@code
 * Disposable shown = ReactorSse.connect(client)
 *         .thenMany(ReactorSse.events(client))
 *         .subscribe(e -> System.out.println(e.event() + " " + e.data()));
 * }</pre>
 */
public final class ReactorSse {
    private ReactorSse() {}

    /**
     * The client's events from the moment of subscription (the stream itself is hot: it does not
     * {@linkplain SseClient#connect() connect} the client, see {@link #connect(SseClient)}).
     * Backpressured: while this subscriber lags by more than the client's
     * {@code maxQueuedEvents}, the client stops reading the socket. Spans reconnections; completes
     * when the client is closed. Cancelling removes only this subscriber.
     *
     * @param client the client
     * @return a backpressured flux of events
     */
    public static Flux<SseEvent> events(SseClient client) {
        Objects.requireNonNull(client, "client");
        return Flux.defer(() -> JdkFlowAdapter.flowPublisherToFlux(client.events()));
    }

    /**
     * The client's connection state: the current state at once, then each change, in order.
     * Backpressure: latest wins (a slow subscriber sees the newest state). Never completes;
     * cancelling removes the listener.
     *
     * @param client the client
     * @return a flux of states
     */
    public static Flux<ConnectionState> states(SseClient client) {
        Objects.requireNonNull(client, "client");
        return JdkFlowAdapter.flowPublisherToFlux(ConnectionStates.publisher(client::onStateChange, client::state));
    }

    /**
     * On subscription, {@linkplain SseClient#connect() connects} the client (no effect if it is
     * already connecting or connected); completes empty when it is
     * {@link ConnectionState#CONNECTED}, fails with the cause when it ends
     * {@link ConnectionState#FAILED} (or {@link io.noa.realtime.ConnectionClosedException} when
     * it is closed or disconnected first). Cancelling only stops waiting; it does not disconnect.
     *
     * @param client the client
     * @return a mono of the connection
     */
    public static Mono<Void> connect(SseClient client) {
        Objects.requireNonNull(client, "client");
        return ReactorRealtime.fromFuture(() -> ConnectionStates.connect(client::onStateChange, client::state, client::connect,
                "SSE client " + client));
    }
}
