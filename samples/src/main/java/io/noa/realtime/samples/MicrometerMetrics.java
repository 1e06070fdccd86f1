package io.noa.realtime.samples;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.noa.realtime.ClientEventListener;
import io.noa.realtime.RetryEvent;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a client's {@link ClientEventListener} into Micrometer: counters of connects, events,
 * retries and ends (by outcome), and a timer of the time to first token. The same listener fits
 * {@code SseClient}, {@code StreamingChat} and {@code RealtimeClient}. Quoted by the README's
 * "Seeing what the client does" and by {@link ClientEventListener}'s javadoc.
 *
 * <p>Run: {@code mvn -pl samples exec:java -Dsample.main=io.noa.realtime.samples.MicrometerMetrics}.
 */
public final class MicrometerMetrics {
    private MicrometerMetrics() {}

    /**
     * A listener that records into {@code registry}, every meter tagged {@code client=name}.
     *
     * @param registry the registry
     * @param name the client's name in the tags, e.g. {@code "chat"}
     * @return the listener (thread-safe, non-blocking: Micrometer meters are)
     */
    public static ClientEventListener listener(MeterRegistry registry, String name) {
        Counter connects = registry.counter("noa.connects", "client", name);
        Counter events = registry.counter("noa.events", "client", name);
        Counter retries = registry.counter("noa.retries", "client", name);
        Counter completions = registry.counter("noa.ends", "client", name, "outcome", "ok");
        Counter failures = registry.counter("noa.ends", "client", name, "outcome", "failure");
        Timer firstToken = Timer.builder("noa.first.token").tag("client", name).register(registry);
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        // region:listener
        ClientEventListener metrics = new ClientEventListener() {
            @Override
            public void connectStart(String subject, int attempt) {
                connects.increment();
                startedAt.putIfAbsent(subject, System.nanoTime());
            }

            @Override
            public void firstToken(String subject) {
                Long start = startedAt.get(subject);
                if (start != null) {
                    firstToken.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void eventReceived(String subject, long count) {
                events.increment();
            }

            @Override
            public void retryScheduled(RetryEvent retry) {
                retries.increment();
            }

            @Override
            public void end(String subject, Optional<Throwable> cause) {
                startedAt.remove(subject);
                (cause.isPresent() ? failures : completions).increment();
            }
        };
        // endregion:listener
        return metrics;
    }

    /**
     * Runs against an embedded inference server.
     *
     * @param args ignored
     * @throws Exception if an answer does not arrive
     */
    public static void main(String[] args) throws Exception {
        run(new SimpleMeterRegistry(), System.out);
    }

    /**
     * Streams two answers, the first after a 503 that is retried, and prints the meters.
     *
     * @param registry where the meters go
     * @param out where to print
     * @return the two final messages' states, in order
     * @throws Exception if an answer does not arrive
     */
    public static String run(MeterRegistry registry, PrintStream out) throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.error(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"));
            server.enqueue(MockResponse.chatTokens("Hello", " from", " a", " retry"));
            server.enqueue(MockResponse.chatTokens("Second", " answer"));
            // region:wire
            StreamingChat chat = StreamingChat.builder(server.chatUri())
                    .model("mock-model")
                    .eventListener(MicrometerMetrics.listener(registry, "chat"))   // NONE by default
                    .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(100)).build())
                    .build();
            // endregion:wire
            StringBuilder states = new StringBuilder();
            try (chat) {
                for (String question : new String[] {"Hi", "Again"}) {
                    StreamingMessage answer = chat.send(ChatRequest.builder().message(Message.user(question)).build())
                            .result().get(30, TimeUnit.SECONDS);
                    out.println(answer.state() + ": " + answer.content());
                    states.append(states.length() == 0 ? "" : " ").append(answer.state());
                }
            }
            registry.getMeters().stream()
                    .sorted((a, b) -> a.getId().toString().compareTo(b.getId().toString()))
                    .forEach(m -> m.measure().forEach(s -> out.println(m.getId().getName() + m.getId().getTags()
                            + " " + s.getStatistic() + "=" + s.getValue())));
            return states.toString();
        }
    }
}
