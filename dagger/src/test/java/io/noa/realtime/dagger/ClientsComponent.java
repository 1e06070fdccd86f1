package io.noa.realtime.dagger;

import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;

/** The entry points both test components expose, so one test body serves both transports. */
interface ClientsComponent {

    Transport transport();

    StreamingChat chat();

    RealtimeClient realtime();
}
