package io.noa.realtime.dagger;

import dagger.BindsInstance;
import dagger.Component;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import javax.inject.Singleton;

/** A user's component on the JDK transport. */
@Singleton
@Component(modules = {JdkTransportModule.class, NoaClientsModule.class})
interface JdkClientsComponent extends ClientsComponent {

    @Component.Factory
    interface Factory {
        JdkClientsComponent create(@BindsInstance ChatSettings chat, @BindsInstance RealtimeOptions realtime);
    }

    @Override
    Transport transport();

    @Override
    StreamingChat chat();

    @Override
    RealtimeClient realtime();
}
