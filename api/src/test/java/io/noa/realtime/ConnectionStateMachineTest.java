package io.noa.realtime;

import static io.noa.realtime.ConnectionState.CLOSED;
import static io.noa.realtime.ConnectionState.CONNECTED;
import static io.noa.realtime.ConnectionState.CONNECTING;
import static io.noa.realtime.ConnectionState.DISCONNECTED;
import static io.noa.realtime.ConnectionState.FAILED;
import static io.noa.realtime.ConnectionState.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionStateMachineTest {

    @Test
    void startsDisconnected() {
        assertThat(new ConnectionStateMachine().state()).isEqualTo(DISCONNECTED);
    }

    @Test
    void transitionTableIsExactlyTheDesignedOne() {
        assertThat(ConnectionStateMachine.allowedFrom(DISCONNECTED)).containsExactlyInAnyOrder(CONNECTING, CLOSED);
        assertThat(ConnectionStateMachine.allowedFrom(CONNECTING))
                .containsExactlyInAnyOrder(CONNECTED, RECONNECTING, FAILED, DISCONNECTED, CLOSED);
        assertThat(ConnectionStateMachine.allowedFrom(CONNECTED))
                .containsExactlyInAnyOrder(RECONNECTING, DISCONNECTED, FAILED, CLOSED);
        assertThat(ConnectionStateMachine.allowedFrom(RECONNECTING))
                .containsExactlyInAnyOrder(CONNECTED, FAILED, DISCONNECTED, CLOSED);
        assertThat(ConnectionStateMachine.allowedFrom(FAILED)).containsExactlyInAnyOrder(CONNECTING, CLOSED);
        assertThat(ConnectionStateMachine.allowedFrom(CLOSED)).containsExactlyInAnyOrder(CONNECTING);
        for (ConnectionState s : ConnectionState.values()) {
            assertThat(ConnectionStateMachine.isAllowed(s, s)).as("self transition of %s", s).isFalse();
        }
    }

    @Test
    void terminalStatesOnlyLeaveThroughConnect() {
        for (ConnectionState s : EnumSet.of(FAILED, CLOSED)) {
            assertThat(s.isTerminal()).isTrue();
            assertThat(ConnectionStateMachine.allowedFrom(s)).doesNotContain(CONNECTED, RECONNECTING, DISCONNECTED);
        }
    }

    @Test
    void illegalTransitionIsRejectedWithClearErrorAndNotApplied() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        List<StateChange> seen = new ArrayList<>();
        m.addListener(seen::add);
        assertThatThrownBy(() -> m.transitionTo(CONNECTED, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DISCONNECTED -> CONNECTED")
                .hasMessageContaining("allowed from DISCONNECTED");
        assertThat(m.state()).isEqualTo(DISCONNECTED);
        assertThat(m.tryTransitionTo(RECONNECTING, null)).isEmpty();
        assertThat(seen).isEmpty();
    }

    @Test
    void compareAndTransitionOnlyFromExpectedState() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        assertThat(m.compareAndTransition(CONNECTING, CONNECTED, null)).isFalse();
        assertThat(m.state()).isEqualTo(DISCONNECTED);
        assertThat(m.compareAndTransition(DISCONNECTED, CONNECTING, null)).isTrue();
        assertThat(m.state()).isEqualTo(CONNECTING);
        assertThatThrownBy(() -> m.compareAndTransition(CLOSED, CONNECTED, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void listenersGetChangesWithCauseInOrder() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        List<String> seen = new ArrayList<>();
        IOException boom = new IOException("reset");
        m.addListener(c -> seen.add(c.from() + ">" + c.to() + c.cause().map(t -> "!" + t.getMessage()).orElse("")));
        m.transitionTo(CONNECTING, null);
        m.transitionTo(CONNECTED, null);
        m.transitionTo(RECONNECTING, boom);
        m.transitionTo(CONNECTED, null);
        m.transitionTo(CLOSED, null);
        assertThat(seen).containsExactly("DISCONNECTED>CONNECTING", "CONNECTING>CONNECTED",
                "CONNECTED>RECONNECTING!reset", "RECONNECTING>CONNECTED", "CONNECTED>CLOSED");
    }

    @Test
    void throwingListenerDoesNotBreakMachineOrOtherListeners() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        List<ConnectionState> second = new ArrayList<>();
        m.addListener(c -> {
            throw new IllegalArgumentException("listener bug");
        });
        m.addListener(c -> second.add(c.to()));
        m.transitionTo(CONNECTING, null);
        m.transitionTo(CONNECTED, null);
        assertThat(m.state()).isEqualTo(CONNECTED);
        assertThat(second).containsExactly(CONNECTING, CONNECTED);
    }

    @Test
    void closingSubscriptionRemovesListener() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        AtomicInteger calls = new AtomicInteger();
        Subscription s = m.addListener(c -> calls.incrementAndGet());
        m.transitionTo(CONNECTING, null);
        s.close();
        s.close();
        m.transitionTo(CONNECTED, null);
        assertThat(calls).hasValue(1);
    }

    @Test
    void transitionFromInsideListenerIsDeliveredAfterTheCurrentOne() {
        ConnectionStateMachine m = new ConnectionStateMachine();
        List<String> seen = new ArrayList<>();
        m.addListener(c -> {
            seen.add("a:" + c.to());
            if (c.to() == CONNECTING) {
                m.transitionTo(CONNECTED, null);
            }
        });
        m.addListener(c -> seen.add("b:" + c.to()));
        m.transitionTo(CONNECTING, null);
        assertThat(seen).containsExactly("a:CONNECTING", "b:CONNECTING", "a:CONNECTED", "b:CONNECTED");
    }

    @Test
    void concurrentRacesHaveExactlyOneWinnerAndListenersSeeAConsistentChain() throws Exception {
        int rounds = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int r = 0; r < rounds; r++) {
                ConnectionStateMachine m = new ConnectionStateMachine(CONNECTED);
                List<StateChange> seen = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger concurrent = new AtomicInteger();
                AtomicInteger maxConcurrent = new AtomicInteger();
                m.addListener(c -> {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    seen.add(c);
                    concurrent.decrementAndGet();
                });
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger winners = new AtomicInteger();
                List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
                for (ConnectionState target : List.of(RECONNECTING, DISCONNECTED, CLOSED, FAILED)) {
                    fs.add(pool.submit(() -> {
                        go.await();
                        if (m.compareAndTransition(CONNECTED, target, null)) {
                            winners.incrementAndGet();
                        }
                        // a follow-up from wherever the machine is now
                        m.tryTransitionTo(CLOSED, null);
                        return null;
                    }));
                }
                go.countDown();
                for (var f : fs) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(winners).hasValue(1);
                assertThat(maxConcurrent).hasValue(1);
                // the delivered changes chain: each starts where the previous ended
                ConnectionState at = CONNECTED;
                synchronized (seen) {
                    for (StateChange c : seen) {
                        assertThat(c.from()).isEqualTo(at);
                        at = c.to();
                    }
                }
                assertThat(at).isEqualTo(m.state());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stateHelpers() {
        assertThat(CONNECTED.isConnected()).isTrue();
        assertThat(RECONNECTING.isConnected()).isFalse();
        assertThat(DISCONNECTED.isTerminal()).isFalse();
        assertThat(new StateChange(CONNECTED, CLOSED, null).toString()).isEqualTo("CONNECTED -> CLOSED");
    }
}
