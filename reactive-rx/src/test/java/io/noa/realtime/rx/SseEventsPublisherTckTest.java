package io.noa.realtime.rx;

import io.noa.realtime.internal.BoundedMulticast;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (Flow flavour) run against {@link BoundedMulticast}: the publisher that
 * {@link io.noa.realtime.sse.SseClient#events()} returns. {@code events()} is hot and completes
 * only on {@code close()}, so the TCK cannot drive a real client to "exactly n elements then
 * complete" without racing; instead each publisher here is a fresh multicast fed the way the
 * client feeds it (offer while {@link BoundedMulticast#hasRoom()}, resume on {@code onSpace}),
 * which offers n items once a subscriber is attached and then completes. {@link
 * SseEventsThroughAClientTest} checks the same behaviour through a real client and server.
 */
public class SseEventsPublisherTckTest extends FlowPublisherVerification<Long> {
    private static final int HIGH_WATER = 16;

    public SseEventsPublisherTckTest() {
        super(new TestEnvironment(1_000, 300));
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return new Fed(elements);
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        BoundedMulticast<Long> failed = new BoundedMulticast<>(HIGH_WATER, () -> { });
        failed.error(new IllegalStateException("failed on purpose"));
        return failed;
    }

    @Override
    public long maxElementsFromPublisher() {
        return Long.MAX_VALUE - 1; // production is lazy (bounded by HIGH_WATER), so any count works
    }

    /** A multicast fed like the client feeds it; production starts with the first subscriber. */
    private static final class Fed implements Flow.Publisher<Long> {
        private final long total;
        private final BoundedMulticast<Long> multicast;
        private final AtomicInteger wip = new AtomicInteger();
        private long produced;

        Fed(long total) {
            this.total = total;
            this.multicast = new BoundedMulticast<>(HIGH_WATER, this::pump);
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Long> subscriber) {
            multicast.subscribe(subscriber);
            pump();
        }

        private void pump() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (produced < total && multicast.hasSubscribers() && multicast.hasRoom()) {
                    multicast.offer(produced++);
                }
                if (produced == total) {
                    multicast.complete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
