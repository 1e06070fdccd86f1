package io.noa.realtime.benchmarks.socketio;

import io.noa.realtime.socketio.SocketIo;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.ws.RealtimeClient;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** noa-realtime's {@link RealtimeClient} speaking {@link SocketIo#v5()} over a transport. */
final class NoaClient implements SioClient {
    private final String name;
    private final RealtimeClient client;

    NoaClient(String name, URI server, Transport transport) {
        this.name = name;
        this.client = RealtimeClient.builder(server).protocol(SocketIo.v5()).transport(transport)
                .autoConnect(false).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void open() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        client.onConnect(connected::countDown);
        client.connect();
        if (!connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name + " did not connect within " + WAIT);
        }
    }

    @Override
    public CompletableFuture<Long> ask(long seq, boolean withTimeout) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("seq", seq);
        payload.put("content", CONTENT);
        // every emitWithAck of ours has a timeout (the ack ledger's timer on the transport's scheduler)
        return client.emitWithAck("ask", payload, WAIT).thenApply(answer -> answer.path("seq").asLong(-1));
    }

    @Override
    public void close() {
        client.close();
    }
}
