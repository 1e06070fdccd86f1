package io.noa.realtime.samples;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Dialect;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.testkit.MockInferenceServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One client per chat API: OpenAI chat completions (the default), Anthropic Messages, OpenAI
 * Responses. The same {@link ChatRequest} goes to each and the answers accumulate into the same
 * {@link StreamingMessage}. Quoted by the README's dialect table; {@link #run} streams from an
 * embedded server of each dialect.
 */
public final class ChatDialects {
    private ChatDialects() {}

    static StreamingChat openAiChat(URI url, String apiKey) {
        // region:openai-chat
        StreamingChat chat = StreamingChat.builder(url)       // https://api.openai.com/v1/chat/completions, vLLM, Ollama, ...
                .apiKey(apiKey)                               // Authorization: Bearer
                .model("gpt-4o-mini")
                .build();                                     // Dialect.OPENAI_CHAT is the default
        // endregion:openai-chat
        return chat;
    }

    static StreamingChat anthropicMessages(URI url, String apiKey) {
        // region:anthropic-messages
        StreamingChat chat = StreamingChat.builder(url)       // https://api.anthropic.com/v1/messages
                .dialect(Dialect.ANTHROPIC_MESSAGES)          // x-api-key and anthropic-version: 2023-06-01
                .apiKey(apiKey)
                .model("claude-sonnet-4-5")
                .build();
        // endregion:anthropic-messages
        return chat;
    }

    static StreamingChat openAiResponses(URI url, String apiKey) {
        // region:openai-responses
        StreamingChat chat = StreamingChat.builder(url)       // https://api.openai.com/v1/responses
                .dialect(Dialect.OPENAI_RESPONSES)            // input, instructions, response.* events
                .apiKey(apiKey)
                .model("gpt-4o-mini")
                .build();
        // endregion:openai-responses
        return chat;
    }

    /**
     * Runs against embedded servers.
     *
     * @param args ignored
     * @throws Exception if an answer does not arrive
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Sends one request in each dialect to an embedded server speaking it.
     *
     * @param out where to print
     * @return 0 when every answer completed, 1 otherwise
     * @throws Exception if an answer does not arrive within 30 s
     */
    public static int run(PrintStream out) throws Exception {
        ChatRequest request = ChatRequest.builder()
                .message(Message.system("Be brief."))
                .message(Message.user("One dialect at a time"))
                .build();
        int status = 0;
        for (Dialect dialect : new Dialect[] {Dialect.OPENAI_CHAT, Dialect.ANTHROPIC_MESSAGES, Dialect.OPENAI_RESPONSES}) {
            try (MockInferenceServer server = MockInferenceServer.builder().dialect(dialect.name()).apiKey("sk-sample")
                    .tokenDelay(Duration.ofMillis(2)).start();
                    StreamingChat chat = dialect == Dialect.OPENAI_CHAT ? openAiChat(server.chatUri(), "sk-sample")
                            : dialect == Dialect.ANTHROPIC_MESSAGES ? anthropicMessages(server.chatUri(), "sk-sample")
                            : openAiResponses(server.chatUri(), "sk-sample")) {
                StreamingMessage answer = chat.send(request).result().get(30, TimeUnit.SECONDS);
                out.println("[" + dialect.name() + "] " + answer.state() + ": " + answer.content()
                        + answer.usage().map(u -> " (" + u.totalTokens() + " tokens)").orElse(""));
                if (answer.state() != StreamingMessage.State.COMPLETED) {
                    status = 1;
                }
            }
        }
        return status;
    }
}
