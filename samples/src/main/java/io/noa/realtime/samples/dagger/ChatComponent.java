package io.noa.realtime.samples.dagger;

import dagger.BindsInstance;
import dagger.Component;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.dagger.ChatSettings;
import io.noa.realtime.dagger.NettyTransportModule;
import io.noa.realtime.dagger.NoaClientsModule;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import javax.inject.Singleton;

/**
 * An app's Dagger component: one Netty transport and the noa-realtime clients on it. Dagger
 * generates {@code DaggerChatComponent} in this package.
 */
// region:component
@Singleton
@Component(modules = {NettyTransportModule.class, NoaClientsModule.class})
public interface ChatComponent {

    /**
     * The shared transport; close it last.
     *
     * @return the component's transport
     */
    Transport transport();

    /**
     * The chat client.
     *
     * @return the component's chat client
     */
    StreamingChat chat();

    /**
     * The realtime client.
     *
     * @return the component's realtime client
     */
    RealtimeClient realtime();

    /** Builds the component from the settings the app supplies at run time. */
    @Component.Factory
    interface Factory {
        /**
         * Builds a component.
         *
         * @param chat endpoint, key and model of the chat client
         * @param realtime options of the realtime client
         * @return the component
         */
        ChatComponent create(@BindsInstance ChatSettings chat, @BindsInstance RealtimeOptions realtime);
    }
}
// endregion:component
