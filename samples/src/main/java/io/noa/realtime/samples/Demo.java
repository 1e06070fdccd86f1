package io.noa.realtime.samples;

import io.noa.realtime.chat.Dialect;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.testkit.MockInferenceServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one-command demo: streams an assistant answer token by token over SSE, then two users meet
 * in a WebSocket room (presence, typing, acknowledged messages) and the answer is broadcast there.
 * Both servers are embedded (testkit), so it needs nothing but Java 17:
 *
 * <pre>{@code
 * mvn -B -ntp -q -pl samples -am -DskipTests package exec:java
 * mvn -B -ntp -q -pl samples -am -DskipTests package exec:java -Dexec.args="--transport jdk"
 * }</pre>
 *
 * <p>{@code --dialect} picks the chat API ({@code openai-chat}, {@code anthropic-messages},
 * {@code openai-responses}; the embedded server speaks it too); {@code --url}, {@code --api-key}
 * and {@code --model} stream from a real endpoint of that dialect instead; {@code --interactive} reads prompts from stdin; {@code --help} lists the flags.
 */
public final class Demo {
    static final String REPLY = "Server-Sent Events carry the answer from the model to you one token at a time, "
            + "over a plain HTTP response that never seems to end. WebSocket is the two-way street next to it: "
            + "rooms, presence and typing indicators travel there while the text is still arriving. "
            + "This SDK gives both one connection state machine, bounded buffers and swappable transports.";
    static final String SYSTEM = "You are a concise assistant. Answer in at most four sentences.";
    static final String QUESTION = "How do SSE and WebSocket work together in a chat app?";
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

    private Demo() {}

    /**
     * Runs the demo and exits with its status (0 done, 1 failed, 2 bad arguments).
     *
     * @param args the flags; {@code --help} lists them
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.in);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the demo, writing to {@code out} and reading prompts (with {@code --interactive}) from
     * {@code in}. Every server, client and transport it starts is closed before it returns.
     *
     * @param args the flags
     * @param out where to print
     * @param in where prompts come from
     * @return 0 when everything ran, 1 when something failed, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out, InputStream in) {
        DemoArgs options;
        try {
            options = DemoArgs.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println(DemoArgs.USAGE);
            return 2;
        }
        if (options.help) {
            out.println(DemoArgs.USAGE);
            return 0;
        }
        try (Transport transport = options.transport.map(Transports::load).orElseGet(Transports::load)) {
            out.println("[demo] transport: " + transport.name());
            return runWith(options, transport, out, in);
        } catch (Exception e) {
            out.println("error: " + e);
            return 1;
        }
    }

    private static int runWith(DemoArgs options, Transport transport, PrintStream out, InputStream in)
            throws Exception {
        MockInferenceServer mock = null;
        try {
            URI url;
            String apiKey;
            String model;
            Dialect dialect = Dialect.named(options.dialect);
            boolean anthropic = dialect == Dialect.ANTHROPIC_MESSAGES;
            if (options.url.isPresent()) {
                url = options.url.get();
                String keyVariable = anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
                apiKey = options.apiKey.or(() -> Optional.ofNullable(System.getenv(keyVariable))).orElse("");
                model = options.model.orElse(anthropic ? "claude-sonnet-4-5" : "gpt-4o-mini");
                out.println("[demo] streaming from " + url.getScheme() + "://" + url.getAuthority()
                        + url.getPath() + ", model " + model + (apiKey.isEmpty() ? ", no API key" : ", API key set"));
            } else {
                MockInferenceServer.Builder b = MockInferenceServer.builder().dialect(dialect.name()).apiKey("demo-key")
                        .tokenDelay(Duration.ofMillis(15));
                if (!options.interactive) {
                    b.defaultReply(REPLY);
                }
                mock = b.start();
                url = mock.chatUri();
                apiKey = "demo-key";
                model = "demo-model";
                out.println("[demo] embedded inference server (" + dialect.name() + ") on " + url);
            }
            List<AnswerStreamer.Answer> answers = new ArrayList<>();
            try (StreamingChat chat = StreamingChat.builder(url).dialect(dialect).apiKey(apiKey).model(model)
                    .transport(transport).build()) {
                AnswerStreamer streamer = new AnswerStreamer(chat, out);
                if (options.interactive) {
                    interactive(streamer, out, in, answers, url);
                } else {
                    out.println("[you] " + QUESTION);
                    out.println("[assistant]");
                    AnswerStreamer.Answer a = streamer.stream(List.of(Message.system(SYSTEM), Message.user(QUESTION)),
                            ANSWER_TIMEOUT);
                    answers.add(a);
                    reportFailure(a, url, out);
                }
            }
            // only a completed answer is broadcast: an empty or cut one would mislead the room
            Optional<String> last = answers.isEmpty() ? Optional.empty()
                    : Optional.of(answers.get(answers.size() - 1)).filter(AnswerStreamer.Answer::completed)
                            .map(AnswerStreamer.Answer::text);
            RoomDemo room = new RoomDemo(transport, out);
            if (last.isEmpty()) {
                out.println("[room] no answer to broadcast"
                        + (answers.isEmpty() ? "" : ": the chat ended " + answers.get(answers.size() - 1).message().state()));
            }
            room.run(last);
            summary(out, answers, transport, room.acked());
            return !answers.isEmpty() && answers.stream().allMatch(AnswerStreamer.Answer::completed) ? 0 : 1;
        } finally {
            if (mock != null) {
                mock.close();
            }
        }
    }

    private static void reportFailure(AnswerStreamer.Answer a, URI url, PrintStream out) {
        if (!a.completed()) {
            FailureReport.describe(a.message(), url).forEach(out::println);
        }
    }

    private static void interactive(AnswerStreamer streamer, PrintStream out, InputStream in,
            List<AnswerStreamer.Answer> answers, URI url) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<Message> conversation = new ArrayList<>(List.of(Message.system(SYSTEM)));
        while (true) {
            out.print("[you] ");
            out.flush();
            String line = reader.readLine();
            if (line == null || line.isBlank()) {
                out.println();
                return;
            }
            conversation.add(Message.user(line));
            out.println("[assistant]");
            AnswerStreamer.Answer a = streamer.stream(List.copyOf(conversation), ANSWER_TIMEOUT);
            answers.add(a);
            reportFailure(a, url, out);
            if (a.completed()) {
                conversation.add(Message.assistant(a.message()));
            } else {
                conversation.remove(conversation.size() - 1);   // ask again, or ask something else
            }
        }
    }

    private static void summary(PrintStream out, List<AnswerStreamer.Answer> answers, Transport transport,
            int acked) {
        long tokens = answers.stream().mapToLong(AnswerStreamer.Answer::tokens).sum();
        Duration streaming = answers.stream().map(AnswerStreamer.Answer::streaming).reduce(Duration.ZERO,
                Duration::plus);
        // the first answer that streamed a token; none: n/a (never the time it took to fail)
        String ttft = answers.stream().flatMap(a -> a.timeToFirstToken().stream()).findFirst()
                .map(d -> String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6)).orElse("n/a");
        double rate = streaming.isZero() ? 0 : tokens * 1e9 / streaming.toNanos();
        long completed = answers.stream().filter(AnswerStreamer.Answer::completed).count();
        String count = completed == answers.size() ? String.valueOf(completed)
                : completed + " of " + answers.size() + " completed";
        out.println(String.format(Locale.ROOT,
                "[summary] answers: %s, tokens: %d, time to first token: %s, %.1f tokens/s, room messages acked: %d,"
                        + " transport: %s",
                count, tokens, ttft, rate, acked, transport.name()));
    }
}
