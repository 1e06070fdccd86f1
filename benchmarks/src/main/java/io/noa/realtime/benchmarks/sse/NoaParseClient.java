package io.noa.realtime.benchmarks.sse;

import io.noa.realtime.RetryPolicy;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.sse.SseClient;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ours, parse-only: an {@link SseClient} on one transport counts the events it is handed (each a
 * parsed {@code SseEvent} with its data as a String) and disconnects at {@code [DONE]}, as a user
 * reading an OpenAI stream with the plain SSE client would.
 */
final class NoaParseClient extends BenchClient {
    private final URI uri;
    private final Transport transport;

    NoaParseClient(String transportName, URI uri, Transport transport) {
        super("noa-" + transportName, "noa SseClient (" + transportName + ")", Kind.PARSE, true);
        this.uri = uri;
        this.transport = transport;
    }

    @Override
    void run(Expected expected) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] count = {0};
        try (SseClient sse = SseClient.builder(uri)
                .transport(transport)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            sse.onMessage(event -> {
                count[0]++;
                if ("[DONE]".equals(event.data())) {
                    sse.disconnect();
                    done.complete(count[0]);
                }
            });
            sse.onError(done::completeExceptionally);
            sse.connect();
            checkCount("events", done.get(5, TimeUnit.MINUTES), expected.sseEvents());
        }
    }
}
