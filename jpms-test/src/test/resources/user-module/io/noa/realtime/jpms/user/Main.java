package io.noa.realtime.jpms.user;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InaccessibleObjectException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs on the module path: prints what it sees as "key=value" lines for ModulePathTest.
 * Arguments: the chat URL of a MockInferenceServer, and the name of a public class in the api's
 * internal package.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        URI chatUri = URI.create(args[0]);
        String internalClass = args[1];
        Module self = Main.class.getModule();
        Module api = Transport.class.getModule();
        print("user", self.getName() + " named=" + self.isNamed());
        print("api", api.getName() + " automatic=" + api.getDescriptor().isAutomatic());
        print("jackson", JsonNode.class.getModule().getName());

        // discovery: api "uses" TransportProvider, the transport "provides" it
        try (Transport transport = Transports.load()) {
            print("transport", transport.getClass().getModule().getName());
            try (StreamingChat chat = StreamingChat.builder(chatUri).transport(transport).model("jpms").build()) {
                CompletableFuture<StreamingMessage> done = new CompletableFuture<>();
                chat.onUpdate(m -> {
                    if (!m.isStreaming()) {
                        done.complete(m);
                    }
                });
                chat.sendMessage(List.of(Message.user("hello from a module")));
                StreamingMessage m = done.get(60, TimeUnit.SECONDS);
                print("chat", m.state() + " " + m.content());
            }
        }

        // encapsulation: the internal package is in the api module but not exported to us
        print("internal.package", String.valueOf(api.getPackages().contains("io.noa.realtime.internal")));
        print("internal.exported", String.valueOf(api.isExported("io.noa.realtime.internal", self)));
        print("internal.opened", String.valueOf(api.isOpen("io.noa.realtime.internal", self)));
        Class<?> hidden = Class.forName(internalClass);
        print("internal.module", hidden.getModule().getName());
        try {
            MethodHandles.lookup().accessClass(hidden);
            print("internal.access", "allowed");
        } catch (IllegalAccessException e) {
            print("internal.access", "IllegalAccessException");
        }
        try {
            hidden.getDeclaredConstructors()[0].setAccessible(true);
            print("internal.setAccessible", "allowed");
        } catch (InaccessibleObjectException e) {
            print("internal.setAccessible", "InaccessibleObjectException");
        }
        // control: an exported class is accessible
        MethodHandles.lookup().accessClass(Transports.class);
        print("exported.access", "allowed");
        System.out.flush();
        // the transports' shared threads are not our subject here
        System.exit(0);
    }

    private static void print(String key, String value) {
        System.out.println(key + "=" + value);
    }
}
