package io.noa.realtime.samples.docs;

import com.fasterxml.jackson.core.type.TypeReference;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Dialect;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.event.EventType;
import io.noa.realtime.flow.ConnectionStates;
import io.noa.realtime.flow.Listeners;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.ws.RealtimeClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The javadoc examples of the {@code api} jar, each runnable against a testkit server. */
final class ApiExamples {
    /** A room message, as the EventType and Listeners examples decode it. */
    record ChatMessage(String roomId, String userId, String content) {}

    // region:event-type
    static final EventType<ChatMessage> MESSAGE_NEW = EventType.of("message:new", ChatMessage.class);
    static final EventType<List<String>> USERS = EventType.of("users", new TypeReference<>() {});
    // endregion:event-type

    private ApiExamples() {}

    /** The StreamingChat class example; url e.g. https://api.openai.com/v1/chat/completions. */
    static StreamingMessage streamingChat(String url, String apiKey) throws Exception {
        StreamingMessage result;
        // region:streaming-chat
        try (StreamingChat chat = StreamingChat.builder(url)          // e.g. "https://api.openai.com/v1/chat/completions"
                .apiKey(apiKey)                                       // e.g. System.getenv("OPENAI_API_KEY")
                .model("gpt-4o-mini")
                .build()) {
            ChatRequest request = ChatRequest.builder().message(Message.user("Write a haiku about TCP")).build();
            // wait inside the block: closing the chat cancels the streams still running
            StreamingMessage answer = chat.send(request).result().get(60, TimeUnit.SECONDS);
            System.out.println(answer.state() + ": " + answer.content());
            // endregion:streaming-chat
            result = answer;
            // region:streaming-chat
        }
        // endregion:streaming-chat
        return result;
    }

    /** The Dialect class example; url e.g. https://api.anthropic.com/v1/messages. */
    static StreamingMessage dialect(String url, String apiKey, ChatRequest request) throws Exception {
        StreamingMessage result;
        // region:dialect
        try (StreamingChat claude = StreamingChat.builder(url)        // e.g. "https://api.anthropic.com/v1/messages"
                .dialect(Dialect.ANTHROPIC_MESSAGES)                  // x-api-key + anthropic-version
                .apiKey(apiKey)                                       // e.g. System.getenv("ANTHROPIC_API_KEY")
                .model("claude-sonnet-4-5")
                .build()) {
            StreamingMessage answer = claude.send(request).result().get(60, TimeUnit.SECONDS);
            System.out.println(answer.state() + ": " + answer.content());
            // endregion:dialect
            result = answer;
            // region:dialect
        }
        // endregion:dialect
        return result;
    }

    /** The StreamingChat.send example and the ChatCall class example. */
    static StreamingMessage send(StreamingChat chat, ChatRequest request, Flow.Subscriber<StreamingMessage> subscriber)
            throws Exception {
        // region:send
        StreamingMessage answer = chat.send(request).result().get(60, TimeUnit.SECONDS);
        // endregion:send
        System.out.println(answer.content());
        // region:chat-call
        ChatCall call = chat.send(request);
        call.updates().subscribe(subscriber);                              // follow this message only
        StreamingMessage last = call.result().get(60, TimeUnit.SECONDS);   // or wait for the final snapshot
        // endregion:chat-call
        return last;
    }

    /** The ChatRequest class example. */
    static ChatRequest chatRequest() {
        // region:chat-request
        ChatRequest request = ChatRequest.builder()
                .model("gpt-4o-mini")
                .message(Message.system("Be brief."))
                .message(Message.user("Hello!"))
                .temperature(0.2)
                .build();
        // endregion:chat-request
        return request;
    }

    /** The Message class example. */
    static List<Message> messages() {
        // region:message
        List<Message> messages = List.of(
                Message.system("You are terse."),
                Message.user("Weather in Oslo?"));
        // endregion:message
        return messages;
    }

    /** The SseClient class example; url e.g. https://api.example.com/events. */
    static SseClient sseClient(URI url, Supplier<String> tokens) {
        // region:sse-client
        SseClient sse = SseClient.builder(url)                        // e.g. URI.create("https://api.example.com/events")
                .headers(() -> Map.of("Authorization", "Bearer " + tokens.get()))   // read on every (re)connect
                .build();
        sse.on("progress", e -> System.out.println("progress " + e.data()));
        sse.onMessage(e -> System.out.println("message " + e.data()));
        sse.connect();
        // endregion:sse-client
        return sse;
    }

    /** The RealtimeClient class example; url e.g. ws://localhost:3000/ws. */
    static RealtimeClient realtimeClient(URI url) {
        // region:realtime-client
        RealtimeClient ws = RealtimeClient.builder(url)               // e.g. URI.create("ws://localhost:3000/ws")
                .auth(Map.of("token", "auth-token", "userId", "user-123"))
                .build();                                             // autoConnect: connects now
        ws.on("message:new", data -> System.out.println("New message: " + data));
        ws.rooms().join("room-123");                                  // re-joined after every reconnect
        ws.emit("message:send", Map.of("roomId", "room-123", "content", "Hello!"));   // buffered until connected
        // endregion:realtime-client
        return ws;
    }

    /** The RetryPolicy class example. */
    static RetryPolicy retryPolicy() {
        // region:retry-policy
        RetryPolicy policy = RetryPolicy.builder()
                .maxRetries(5)
                .initialDelay(Duration.ofSeconds(1))
                .maxDelay(Duration.ofSeconds(30))
                .multiplier(2)
                .randomizationFactor(0.5)
                .build();
        // endregion:retry-policy
        return policy;
    }

    /** The Listeners class example. */
    static Flow.Publisher<ChatMessage> listeners(RealtimeClient client) {
        // region:listeners
        Flow.Publisher<ChatMessage> messages = Listeners.publisher(h -> client.on(MESSAGE_NEW, h),
                Listeners.DEFAULT_MAX_BUFFERED, "maxBuffered");
        // endregion:listeners
        return messages;
    }

    /** The ConnectionStates class example, for any client with onStateChange and state(). */
    static CompletableFuture<Void> connectionStates(SseClient client, Flow.Subscriber<ConnectionState> subscriber) {
        // region:connection-states
        Flow.Publisher<ConnectionState> states = ConnectionStates.publisher(client::onStateChange, client::state);
        states.subscribe(subscriber);
        CompletableFuture<Void> up = ConnectionStates.connect(client::onStateChange, client::state, client::connect,
                "SSE client");
        // endregion:connection-states
        return up;
    }
}
