package io.noa.realtime.rx;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.flow.ConnectionStates;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import java.util.Objects;
import org.reactivestreams.FlowAdapters;

/**
 * RxJava 3 views of an {@link SseClient}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/RxExamples.java#rx-sse -->
 * <pre>{@code
 * Disposable shown = RxSse.events(client)
 *         .filter(e -> e.event().equals("progress"))
 *         .subscribe(e -> System.out.println("progress " + e.data()));
 * RxSse.connect(client).blockingAwait();   // completes when CONNECTED
 * }</pre>
 */
public final class RxSse {
    private RxSse() {}

    /**
     * The client's events from the moment of subscription (the stream itself is hot: it does not
     * {@linkplain SseClient#connect() connect} the client, see {@link #connect(SseClient)}).
     * Backpressured: while this subscriber lags by more than the client's
     * {@code maxQueuedEvents}, the client stops reading the socket. Spans reconnections; completes
     * when the client is closed. Cancelling removes only this subscriber.
     *
     * @param client the client
     * @return a backpressured flowable of events
     */
    public static Flowable<SseEvent> events(SseClient client) {
        Objects.requireNonNull(client, "client");
        return Flowable.defer(() -> Flowable.fromPublisher(FlowAdapters.toPublisher(client.events())));
    }

    /**
     * The client's connection state: the current state at once, then each change, in order.
     * Never completes; disposing removes the listener.
     *
     * @param client the client
     * @return an observable of states
     */
    public static Observable<ConnectionState> states(SseClient client) {
        Objects.requireNonNull(client, "client");
        return Observable.fromPublisher(FlowAdapters.toPublisher(
                ConnectionStates.publisher(client::onStateChange, client::state)));
    }

    /**
     * On subscription, {@linkplain SseClient#connect() connects} the client (no effect if it is
     * already connecting or connected); completes when it is {@link ConnectionState#CONNECTED},
     * fails with the cause when it ends {@link ConnectionState#FAILED} (or
     * {@link io.noa.realtime.ConnectionClosedException} when it is closed or disconnected
     * first). Disposing only stops waiting; it does not disconnect.
     *
     * @param client the client
     * @return a completable of the connection
     */
    public static Completable connect(SseClient client) {
        Objects.requireNonNull(client, "client");
        return RxRealtime.completable(() -> ConnectionStates.connect(client::onStateChange, client::state, client::connect,
                "SSE client " + client));
    }
}
