package io.noa.realtime.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.ConnectionStateMachine;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.Subscription;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FlowPublishersTest {
    /** Records what one subscriber receives. */
    static final class Probe<T> implements Flow.Subscriber<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(T item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onComplete() {
            error.set(new AssertionError("never completes"));
        }
    }

    /** A listener list standing in for a client's {@code on(...)} method. */
    static final class Source {
        final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

        Subscription on(Consumer<String> l) {
            listeners.add(l);
            return () -> listeners.remove(l);
        }

        void emit(String v) {
            listeners.forEach(l -> l.accept(v));
        }
    }

    @Test
    void statesStartWithTheCurrentStateThenFollowChangesAndCancelRemovesTheListener() {
        ConnectionStateMachine machine = new ConnectionStateMachine();
        Flow.Publisher<ConnectionState> states = ConnectionStates.publisher(machine::addListener, machine::state);
        Probe<ConnectionState> probe = new Probe<>();
        states.subscribe(probe);
        probe.subscription.request(Long.MAX_VALUE);
        machine.transitionTo(ConnectionState.CONNECTING, null);
        machine.transitionTo(ConnectionState.CONNECTED, null);
        assertThat(probe.items).containsExactly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING,
                ConnectionState.CONNECTED);
        probe.subscription.cancel();
        machine.transitionTo(ConnectionState.RECONNECTING, null);
        assertThat(probe.items).hasSize(3);
        assertThat(probe.error.get()).isNull();
    }

    @Test
    void statesAreLatestWinsUnderSlowDemand() {
        ConnectionStateMachine machine = new ConnectionStateMachine();
        Probe<ConnectionState> probe = new Probe<>();
        ConnectionStates.publisher(machine::addListener, machine::state).subscribe(probe);
        machine.transitionTo(ConnectionState.CONNECTING, null);
        machine.transitionTo(ConnectionState.CONNECTED, null);
        probe.subscription.request(1);
        assertThat(probe.items).containsExactly(ConnectionState.CONNECTED);
    }

    @Test
    void connectCompletesWhenConnectedAndFailsWithTheCauseOfAFailedEnd() {
        ConnectionStateMachine machine = new ConnectionStateMachine();
        CompletableFuture<Void> up = ConnectionStates.connect(machine::addListener, machine::state,
                () -> machine.transitionTo(ConnectionState.CONNECTING, null), "test client");
        assertThat(up).isNotDone();
        machine.transitionTo(ConnectionState.CONNECTED, null);
        assertThat(up).isCompleted();

        ConnectionStateMachine failing = new ConnectionStateMachine();
        HandshakeException cause = new HandshakeException("ws://127.0.0.1/x", 403, "refused");
        CompletableFuture<Void> down = ConnectionStates.connect(failing::addListener, failing::state,
                () -> failing.transitionTo(ConnectionState.CONNECTING, null), "test client");
        failing.transitionTo(ConnectionState.FAILED, cause);
        assertThatThrownBy(down::join).isInstanceOf(CompletionException.class).hasCause(cause);

        ConnectionStateMachine closing = new ConnectionStateMachine();
        CompletableFuture<Void> closed = ConnectionStates.connect(closing::addListener, closing::state,
                () -> closing.transitionTo(ConnectionState.CLOSED, null), "test client");
        assertThatThrownBy(closed::join).hasCauseInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("test client");
    }

    @Test
    void cancellingConnectOnlyStopsWaiting() {
        ConnectionStateMachine machine = new ConnectionStateMachine();
        CompletableFuture<Void> up = ConnectionStates.connect(machine::addListener, machine::state,
                () -> machine.transitionTo(ConnectionState.CONNECTING, null), "test client");
        up.cancel(false);
        machine.transitionTo(ConnectionState.CONNECTED, null);
        assertThatThrownBy(up::join).isInstanceOf(CancellationException.class);
        assertThat(machine.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void listenersPublishWhatArrivesAfterSubscribeAndOverflowFailsAfterTheBufferedValues() {
        Source source = new Source();
        Flow.Publisher<String> events = Listeners.publisher(source::on, 2, "maxBuffered");
        assertThat(source.listeners).isEmpty(); // cold
        Probe<String> probe = new Probe<>();
        events.subscribe(probe);
        source.emit("a");
        source.emit(null);
        source.emit("b");
        assertThat(probe.items).isEmpty();
        source.emit("c"); // third value for a buffer of two
        assertThat(probe.error.get()).isNull(); // delivered after the buffered values
        probe.subscription.request(5);
        assertThat(probe.items).containsExactly("a", "b");
        assertThat(probe.error.get()).isInstanceOf(LimitExceededException.class).hasMessageContaining("maxBuffered");
        assertThat(source.listeners).isEmpty();
    }

    @Test
    void listenersCancelRemovesTheListener() {
        Source source = new Source();
        Probe<String> probe = new Probe<>();
        Listeners.publisher(source::on, 10, "maxBuffered").subscribe(probe);
        probe.subscription.request(Long.MAX_VALUE);
        source.emit("a");
        probe.subscription.cancel();
        source.emit("b");
        assertThat(probe.items).containsExactly("a");
        assertThat(source.listeners).isEmpty();
    }
}
