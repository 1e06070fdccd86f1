package io.noa.realtime.samples;

// region:first-answer
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import java.util.concurrent.TimeUnit;

// endregion:first-answer
/** Streams one answer token by token: README's "Your first streamed answer" (the javadoc is not shown there). */
// region:first-answer
public class FirstAnswer {
    // endregion:first-answer
    /**
     * Streams one answer to "Say hello" and prints its end state.
     *
     * @param args the endpoint; by default the testkit server started as README shows
     * @throws Exception when no answer ends within 60 s
     */
    // region:first-answer
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/v1/chat/completions";
        try (StreamingChat chat = StreamingChat.builder(url)
                .apiKey(System.getenv().getOrDefault("OPENAI_API_KEY", "sk-test"))
                .model("gpt-4o-mini")
                .build()) {
            ChatRequest request = ChatRequest.builder().message(Message.user("Say hello")).build();
            // region:send-chunks
            StreamingMessage answer = chat.send(request, chunk -> System.out.print(chunk.content().orElse("")))
                    .result().get(60, TimeUnit.SECONDS);
            // endregion:send-chunks
            System.out.println();
            System.out.println(answer.state() + answer.failure().map(e -> ": " + e).orElse(""));
        }
    }
}
// endregion:first-answer
