package io.noa.realtime.dagger;

import dagger.BindsInstance;
import dagger.Component;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import javax.inject.Singleton;

/** A user's component on the Netty transport. */
@Singleton
@Component(modules = {NettyTransportModule.class, NoaClientsModule.class})
interface NettyClientsComponent extends ClientsComponent {

    @Component.Factory
    interface Factory {
        NettyClientsComponent create(@BindsInstance ChatSettings chat, @BindsInstance RealtimeOptions realtime);
    }

    @Override
    Transport transport();

    @Override
    StreamingChat chat();

    @Override
    RealtimeClient realtime();
}
