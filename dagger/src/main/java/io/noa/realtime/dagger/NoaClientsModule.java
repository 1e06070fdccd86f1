package io.noa.realtime.dagger;

import dagger.Module;
import dagger.Provides;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import javax.inject.Singleton;

/**
 * Provides a {@link StreamingChat} and a {@link RealtimeClient} on the component's
 * {@link Transport} (from {@link JdkTransportModule} or {@link NettyTransportModule}).
 *
 * <p>The component binds {@link ChatSettings} for the chat and {@link RealtimeOptions} (built with
 * {@code RealtimeClient.builder(uri)....options()}) for the realtime client; only the inputs of
 * the clients it exposes are required. The options' own transport, if any, is replaced by the
 * component's; every other setting, {@code autoConnect} included, is honoured. Neither client
 * closes the shared transport: close the clients, then the transport.
 */
@Module
public final class NoaClientsModule {

    private NoaClientsModule() {}

    /**
     * The component's chat client.
     *
     * @param settings endpoint, key and model
     * @param transport the component's transport
     * @return a chat client using {@code transport}
     */
    @Provides
    @Singleton
    static StreamingChat streamingChat(ChatSettings settings, Transport transport) {
        StreamingChat.Builder builder = StreamingChat.builder(settings.apiUrl()).transport(transport);
        settings.apiKey().ifPresent(builder::apiKey);
        settings.model().ifPresent(builder::model);
        return builder.build();
    }

    /**
     * The component's realtime client; it connects when built if {@code options.autoConnect()}.
     *
     * @param options the realtime options
     * @param transport the component's transport
     * @return a realtime client using {@code transport}
     */
    @Provides
    @Singleton
    static RealtimeClient realtimeClient(RealtimeOptions options, Transport transport) {
        return options.toBuilder().transport(transport).build();
    }
}
