package io.noa.realtime.reactor;

import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;

/** Shared set-up of the chat tests. */
final class ChatFixtures {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ChatRequest REQUEST = ChatRequest.builder().message(Message.user("hi")).build();

    private ChatFixtures() {}

    static StreamingChat chat(MockInferenceServer server, Transport transport) {
        return StreamingChat.builder(server.chatUri()).transport(transport).model("m")
                .retryPolicy(RetryPolicy.none()).build();
    }

    static String[] tokens(int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = "t" + i + " ";
        }
        return t;
    }

    static String content(StreamChunk c) {
        return c.choices().isEmpty() ? "" : c.choices().get(0).delta().flatMap(d -> d.content()).orElse("");
    }

    /** One SSE chunk event carrying {@code size} bytes of content, for endless streams. */
    static byte[] bigChunkEvent(int size) {
        char[] text = new char[size];
        Arrays.fill(text, 'x');
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new String(text) + "\"},\"finish_reason\":null}]}";
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until {@code counter} stops changing for one poll interval and returns its value. */
    static long awaitPlateau(LongSupplier counter) {
        AtomicLong last = new AtomicLong(-1);
        AtomicReference<Long> stable = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = counter.getAsLong();
            boolean same = now == last.getAndSet(now);
            if (same) {
                stable.set(now);
            }
            return same;
        });
        return stable.get();
    }
}
