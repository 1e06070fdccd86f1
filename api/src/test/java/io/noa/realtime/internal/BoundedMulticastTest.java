package io.noa.realtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedMulticastTest {

    static final class Recorder implements Flow.Subscriber<Integer> {
        final List<Integer> items = new ArrayList<>();
        final List<String> terminal = new ArrayList<>();
        Flow.Subscription sub;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            sub = s;
        }

        @Override
        public void onNext(Integer item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            terminal.add("error:" + t.getMessage());
        }

        @Override
        public void onComplete() {
            terminal.add("complete");
        }
    }

    @Test
    void deliversOnlyWhatIsRequestedAndReportsRoom() {
        AtomicInteger spaces = new AtomicInteger();
        BoundedMulticast<Integer> m = new BoundedMulticast<>(3, spaces::incrementAndGet);
        Recorder r = new Recorder();
        m.subscribe(r);
        for (int i = 0; i < 3; i++) {
            m.offer(i);
        }
        assertThat(r.items).isEmpty();
        assertThat(m.hasRoom()).isFalse();
        r.sub.request(1);
        assertThat(r.items).containsExactly(0);
        assertThat(m.hasRoom()).isTrue();
        assertThat(spaces).hasValue(1);
        r.sub.request(Long.MAX_VALUE);
        m.offer(3);
        assertThat(r.items).containsExactly(0, 1, 2, 3);
    }

    @Test
    void eachSubscriberHasItsOwnDemand() {
        BoundedMulticast<Integer> m = new BoundedMulticast<>(10, () -> {});
        Recorder fast = new Recorder();
        Recorder slow = new Recorder();
        m.subscribe(fast);
        m.subscribe(slow);
        fast.sub.request(100);
        m.offer(1);
        m.offer(2);
        assertThat(fast.items).containsExactly(1, 2);
        assertThat(slow.items).isEmpty();
        slow.sub.request(1);
        assertThat(slow.items).containsExactly(1);
    }

    @Test
    void completionWaitsForQueuedItemsAndLateSubscribersCompleteAtOnce() {
        BoundedMulticast<Integer> m = new BoundedMulticast<>(10, () -> {});
        Recorder r = new Recorder();
        m.subscribe(r);
        m.offer(1);
        m.complete();
        assertThat(r.terminal).isEmpty();
        r.sub.request(5);
        assertThat(r.items).containsExactly(1);
        assertThat(r.terminal).containsExactly("complete");
        Recorder late = new Recorder();
        m.subscribe(late);
        assertThat(late.terminal).containsExactly("complete");
        assertThat(m.isTerminated()).isTrue();
    }

    @Test
    void errorIsDeliveredOnce() {
        BoundedMulticast<Integer> m = new BoundedMulticast<>(10, () -> {});
        Recorder r = new Recorder();
        m.subscribe(r);
        m.error(new IllegalStateException("x"));
        m.error(new IllegalStateException("y"));
        m.complete();
        assertThat(r.terminal).containsExactly("error:x");
    }

    @Test
    void cancelFreesRoomAndStopsDelivery() {
        AtomicInteger spaces = new AtomicInteger();
        BoundedMulticast<Integer> m = new BoundedMulticast<>(1, spaces::incrementAndGet);
        Recorder r = new Recorder();
        m.subscribe(r);
        m.offer(1);
        assertThat(m.hasRoom()).isFalse();
        r.sub.cancel();
        assertThat(m.hasRoom()).isTrue();
        assertThat(spaces.get()).isPositive();
        assertThat(m.hasSubscribers()).isFalse();
        m.offer(2);
        assertThat(r.items).isEmpty();
    }

    @Test
    void nonPositiveRequestIsAnError() {
        BoundedMulticast<Integer> m = new BoundedMulticast<>(10, () -> {});
        Recorder r = new Recorder();
        m.subscribe(r);
        r.sub.request(0);
        assertThat(r.terminal).singleElement().asString().contains("3.9");
        m.offer(1);
        assertThat(r.items).isEmpty();
    }
}
