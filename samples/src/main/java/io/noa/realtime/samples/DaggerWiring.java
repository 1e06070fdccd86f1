package io.noa.realtime.samples;

import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.dagger.ChatSettings;
import io.noa.realtime.samples.dagger.ChatComponent;
import io.noa.realtime.samples.dagger.DaggerChatComponent;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Dagger wiring: a {@code @Singleton} component ({@link ChatComponent}) lists
 * {@code NettyTransportModule} and {@code NoaClientsModule}; its factory takes the
 * {@link ChatSettings} and {@link RealtimeOptions} the app builds at run time. The sample streams
 * one chat answer from an embedded mock server through the component's chat client.
 */
public final class DaggerWiring {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private DaggerWiring() {}

    /**
     * Streams one answer and prints it.
     *
     * @param args ignored
     * @throws Exception if the answer does not arrive
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Builds the component, streams one chat answer and prints it with the transport's name.
     *
     * @param out where to print
     * @return 0
     * @throws Exception if the answer does not arrive in time
     */
    public static int run(PrintStream out) throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            // region:wiring
            ChatSettings settings = ChatSettings.builder(server.chatUri()).apiKey("sk-sample").model("tiny-model")
                    .build();
            // the realtime client is not used here: autoConnect(false) keeps it from dialing
            RealtimeOptions realtimeOptions = RealtimeClient.builder(URI.create("ws://127.0.0.1:9/realtime"))
                    .autoConnect(false).options();
            ChatComponent component = DaggerChatComponent.factory().create(settings, realtimeOptions);
            // endregion:wiring
            Transport transport = component.transport();
            StreamingChat chat = component.chat();
            RealtimeClient realtime = component.realtime();
            try {
                out.println("[dagger] transport " + transport.name());
                out.println("[dagger] " + settings);
                server.enqueue(MockResponse.chatTokens("Wired", " by", " Dagger."));
                String id = chat.sendMessage(List.of(Message.user("Who wired you?")));
                Waits.until(() -> chat.message(id).map(m -> !m.isStreaming()).orElse(false), WAIT, "the answer");
                StreamingMessage answer = chat.message(id).orElseThrow();
                out.println("[dagger] " + answer.state() + " answer: " + answer.content());
            } finally {
                // clients first, then the transport they share
                realtime.close();
                chat.close();
                transport.close();
            }
        }
        return 0;
    }
}
