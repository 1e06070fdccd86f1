package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;

/**
 * Every frame the server sends arrives without waiting for a later send on the connection
 * (Java-WebSocket's own write path could leave one queued; see {@code DirectWrites}).
 */
class RoomServerWritesTest {
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 5_000;

    /** A plain client speaking the envelope by hand, counting echoes and acknowledgements. */
    private static final class Client extends WebSocketClient {
        final CountDownLatch connected = new CountDownLatch(1);
        final AtomicInteger echoes = new AtomicInteger();
        final AtomicInteger acks = new AtomicInteger();
        final Semaphore window = new Semaphore(1);

        Client(URI uri) {
            super(uri);
            setTcpNoDelay(true);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            send("{\"event\":\"$connect\",\"data\":{\"userId\":\"u\"}}");
        }

        @Override
        public void onMessage(String message) {
            if (message.startsWith("{\"event\":\"$connected\"")) {
                connected.countDown();
            } else if (message.startsWith("{\"event\":\"echo\"")) {
                echoes.incrementAndGet();
            } else if (message.startsWith("{\"ack\":")) {
                acks.incrementAndGet();
                window.release();
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {}

        @Override
        public void onError(Exception ex) {}
    }

    @Test
    void backToBackFramesAllArriveWhileTheClientsWaitForThem() throws Exception {
        try (RoomServer server = RoomServer.start()) {
            List<Client> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    Client client = new Client(server.uri());
                    clients.add(client);
                    assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(client.connected.await(10, TimeUnit.SECONDS)).isTrue();
                }
                List<Future<?>> runs = new ArrayList<>();
                for (Client client : clients) {
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < ROUNDS; i++) {
                            // a frame left queued by the server stalls here: only its answer frees the slot
                            assertThat(client.window.tryAcquire(10, TimeUnit.SECONDS))
                                    .as("the answer to emit #%d never arrived", i - 1).isTrue();
                            client.send("{\"event\":\"echo\",\"data\":{\"i\":" + i + "},\"ack\":" + i + "}");
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
                for (Client client : clients) {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> client.acks.get() == ROUNDS && client.echoes.get() == ROUNDS);
                }
            } finally {
                pool.shutdownNow();
                for (Client client : clients) {
                    client.closeBlocking();
                }
            }
        }
    }
}
