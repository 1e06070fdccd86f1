package io.noa.realtime.benchmarks.sse;

import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.ErrorStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.StreamClosedByServerException;
import com.launchdarkly.eventsource.StreamEvent;
import java.net.URI;
import okhttp3.OkHttpClient;

/**
 * Peer: LaunchDarkly {@code okhttp-eventsource} with its pull API ({@link EventSource#readMessage()}
 * on the calling thread, its cheapest mode), default settings otherwise. At {@code [DONE]} it reads
 * on to the end of the body before closing, so the connection is released rather than leaked; "full"
 * also parses each chunk with Jackson and appends its content.
 */
final class LaunchDarklyClient extends BenchClient {
    private final URI uri;
    private final OkHttpClient client;

    LaunchDarklyClient(URI uri, OkHttpClient client, boolean full) {
        super(full ? "ld-full" : "ld", full ? "okhttp-eventsource + Jackson" : "okhttp-eventsource",
                full ? Kind.FULL : Kind.PARSE, false);
        this.uri = uri;
        this.client = client;
    }

    @Override
    void run(Expected expected) throws Exception {
        boolean full = kind == Kind.FULL;
        StringBuilder content = new StringBuilder();
        long count = 0;
        EventSource source = new EventSource.Builder(
                        ConnectStrategy.http(uri).httpClient(client).header("Accept", "text/event-stream"))
                .errorStrategy(ErrorStrategy.alwaysThrow())
                .build();
        try {
            source.start();
            while (true) {
                MessageEvent message = source.readMessage();
                count++;
                String data = message.getData();
                if ("[DONE]".equals(data)) {
                    break;
                }
                if (full) {
                    JacksonContent.append(data, content);
                }
            }
            try {
                StreamEvent after = source.readAnyEvent();
                throw new IllegalStateException(name + " read " + after + " after [DONE]");
            } catch (StreamClosedByServerException endOfBody) {
                // the body ended: the connection goes back to OkHttp's pool
            }
        } finally {
            source.close();
        }
        checkCount("events", count, expected.sseEvents());
        if (full) {
            checkContent(content.toString(), expected);
        }
    }
}
