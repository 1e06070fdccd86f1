package io.noa.realtime.benchmarks.sse;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Peer: OkHttp's {@code okhttp-sse} ({@link EventSources}), counting events until the server ends
 * the stream; "full" also parses each chunk with Jackson and appends its content.
 */
final class OkHttpSseClient extends BenchClient {
    private final Request request;
    private final EventSource.Factory factory;

    OkHttpSseClient(URI uri, OkHttpClient client, boolean full) {
        super(full ? "okhttp-sse-full" : "okhttp-sse", full ? "okhttp-sse + Jackson" : "okhttp-sse",
                full ? Kind.FULL : Kind.PARSE, false);
        this.request = new Request.Builder().url(uri.toString()).header("Accept", "text/event-stream").build();
        this.factory = EventSources.createFactory(client);
    }

    @Override
    void run(Expected expected) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long[] count = {0};
        StringBuilder content = new StringBuilder();
        boolean full = kind == Kind.FULL;
        EventSource source = factory.newEventSource(request, new EventSourceListener() {
            @Override
            public void onEvent(EventSource eventSource, String id, String type, String data) {
                count[0]++;
                if (full && !"[DONE]".equals(data)) {
                    JacksonContent.append(data, content);
                }
            }

            @Override
            public void onClosed(EventSource eventSource) {
                done.complete(null);
            }

            @Override
            public void onFailure(EventSource eventSource, Throwable t, Response response) {
                done.completeExceptionally(t != null ? t
                        : new IllegalStateException(name + " failed: HTTP " + (response == null ? "?" : response.code())));
            }
        });
        try {
            done.get(5, TimeUnit.MINUTES);
        } finally {
            source.cancel();
        }
        checkCount("events", count[0], expected.sseEvents());
        if (full) {
            checkContent(content.toString(), expected);
        }
    }
}
