package io.noa.realtime.benchmarks.socketio;

import io.socket.client.Ack;
import io.socket.client.AckWithTimeout;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The Java peer: {@code io.socket:socket.io-client} 2.1.2 (OkHttp 3.12 underneath), WebSocket
 * transport only, no reconnection. Without a timeout an emit uses a plain {@link Ack} (its fastest
 * path); with one, {@link AckWithTimeout}, which starts a {@link java.util.Timer} thread per emit.
 */
final class JavaPeerClient implements SioClient {
    private final Socket socket;

    JavaPeerClient(URI server) {
        IO.Options options = new IO.Options();
        options.transports = new String[] {"websocket"};
        options.forceNew = true;
        options.reconnection = false;
        socket = IO.socket(URI.create("http://" + server.getRawAuthority()), options);
    }

    @Override
    public String name() {
        return "socket.io-client-java 2.1.2";
    }

    @Override
    public void open() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        socket.on(Socket.EVENT_CONNECT, args -> connected.countDown());
        socket.connect();
        if (!connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name() + " did not connect within " + WAIT);
        }
    }

    @Override
    public CompletableFuture<Long> ask(long seq, boolean withTimeout) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        JSONObject payload = new JSONObject();
        try {
            payload.put("seq", seq);
            payload.put("content", CONTENT);
        } catch (JSONException e) {
            answer.completeExceptionally(e);
            return answer;
        }
        Ack ack;
        if (withTimeout) {
            ack = new AckWithTimeout(WAIT.toMillis()) {
                @Override
                public void onSuccess(Object... args) {
                    complete(answer, args);
                }

                @Override
                public void onTimeout() {
                    answer.completeExceptionally(new TimeoutException("no ack within " + WAIT));
                }
            };
        } else {
            ack = args -> complete(answer, args);
        }
        socket.emit("ask", new Object[] {payload}, ack);
        return answer;
    }

    private static void complete(CompletableFuture<Long> answer, Object[] args) {
        if (args.length > 0 && args[0] instanceof JSONObject) {
            answer.complete(((JSONObject) args[0]).optLong("seq", -1));
        } else {
            answer.completeExceptionally(new IllegalStateException("unexpected ack arguments"));
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
