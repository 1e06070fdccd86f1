package io.noa.realtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LatestValuePublisherTest {
    /** Records what one subscriber receives; requests only what the test asks. */
    static final class Probe implements Flow.Subscriber<String> {
        final List<String> items = new CopyOnWriteArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(String item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }

    @Test
    void aSlowSubscriberSkipsToTheLatestAndAlwaysGetsTheLastValueThenComplete() {
        LatestValuePublisher<String> p = new LatestValuePublisher<>();
        Probe probe = new Probe();
        p.subscribe(probe);
        probe.subscription.request(1);
        p.publish("a");
        p.publish("b");
        p.publish("c");
        p.complete("end");
        assertThat(probe.items).containsExactly("a");
        assertThat(probe.completions.get()).isZero(); // the last value waits for demand
        probe.subscription.request(1);
        assertThat(probe.items).containsExactly("a", "end");
        assertThat(probe.completions.get()).isEqualTo(1);
    }

    @Test
    void aLateSubscriberGetsTheCurrentValueFirstAndAfterTheEndOnlyTheLastOne() {
        LatestValuePublisher<String> p = new LatestValuePublisher<>();
        p.publish("a");
        p.publish("b");
        Probe mid = new Probe();
        p.subscribe(mid);
        mid.subscription.request(Long.MAX_VALUE);
        p.publish("c");
        assertThat(mid.items).containsExactly("b", "c");
        assertThat(p.complete("end")).isTrue();
        assertThat(p.complete("again")).isFalse();
        Probe late = new Probe();
        p.subscribe(late);
        late.subscription.request(5);
        assertThat(late.items).containsExactly("end");
        assertThat(late.completions.get()).isEqualTo(1);
        assertThat(mid.items).containsExactly("b", "c", "end");
        assertThat(p.latest()).isEqualTo("end");
    }

    @Test
    void cancelStopsDeliveryAndRunsTheHook() {
        AtomicInteger cancels = new AtomicInteger();
        LatestValuePublisher<String> p = new LatestValuePublisher<>(cancels::incrementAndGet);
        Probe probe = new Probe();
        p.subscribe(probe);
        probe.subscription.request(Long.MAX_VALUE);
        p.publish("a");
        probe.subscription.cancel();
        probe.subscription.cancel();
        p.publish("b");
        p.complete("end");
        assertThat(probe.items).containsExactly("a");
        assertThat(probe.completions.get()).isZero();
        assertThat(cancels.get()).isEqualTo(1);
    }

    @Test
    void aNonPositiveRequestFailsTheSubscriber() {
        LatestValuePublisher<String> p = new LatestValuePublisher<>();
        Probe probe = new Probe();
        p.subscribe(probe);
        probe.subscription.request(0);
        assertThat(probe.error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
        p.publish("a");
        assertThat(probe.items).isEmpty();
    }
}
