package io.noa.realtime.benchmarks.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: a plain {@code java.net.http.WebSocket} that writes the raw Socket.IO frames by hand
 * ({@code 40}, {@code 42<id>["ask",{...}]}, pong {@code 3} for ping {@code 2}) and reads the ACK
 * {@code 43<id>[{...}]} with Jackson. No timeouts, no reconnection, no state machine: only what
 * one round trip needs. Sends are chained (the JDK fails a send issued before the previous one
 * completed), from one lock-free queue.
 */
final class RawJdkClient implements SioClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConcurrentHashMap<Long, CompletableFuture<Long>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final CountDownLatch connected = new CountDownLatch(1);
    private volatile WebSocket ws;

    RawJdkClient(URI server) {
        this.uri = URI.create("ws://" + server.getRawAuthority() + "/socket.io/?EIO=4&transport=websocket");
    }

    @Override
    public String name() {
        return "raw JDK WebSocket (floor)";
    }

    @Override
    public void open() throws Exception {
        ws = http.newWebSocketBuilder().buildAsync(uri, new Listener()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (!connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name() + " got no CONNECT answer within " + WAIT);
        }
    }

    @Override
    public CompletableFuture<Long> ask(long seq, boolean withTimeout) {
        long id = ids.getAndIncrement();
        CompletableFuture<Long> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ArrayNode packet = JSON.createArrayNode();
        packet.add("ask");
        packet.addObject().put("seq", seq).put("content", CONTENT);
        try {
            send("42" + id + JSON.writeValueAsString(packet));
        } catch (IOException e) {
            pending.remove(id);
            answer.completeExceptionally(e);
        }
        return answer;
    }

    private void send(String frame) {
        outbox.add(frame);
        pump();
    }

    /** Sends queued frames one at a time; a send that completed at once is followed in this loop. */
    private void pump() {
        for (;;) {
            if (!sending.compareAndSet(false, true)) {
                return;
            }
            String next = outbox.poll();
            if (next == null) {
                sending.set(false);
                if (outbox.isEmpty()) {
                    return;
                }
                continue;
            }
            CompletableFuture<WebSocket> sent = ws.sendText(next, true);
            if (sent.isDone()) {
                sending.set(false);
                continue;
            }
            sent.whenComplete((w, e) -> {
                sending.set(false);
                pump();
            });
            return;
        }
    }

    private void onFrame(String frame) {
        if (frame.isEmpty()) {
            return;
        }
        char type = frame.charAt(0);
        if (type == '2') {
            send("3");
        } else if (type == '0') {
            send("40");
        } else if (frame.startsWith("40")) {
            connected.countDown();
        } else if (frame.startsWith("43")) {
            int i = 2;
            while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
                i++;
            }
            CompletableFuture<Long> answer = pending.remove(Long.parseLong(frame, 2, i, 10));
            if (answer == null) {
                return;
            }
            try {
                JsonNode args = JSON.readTree(frame.substring(i));
                answer.complete(args.path(0).path("seq").asLong(-1));
            } catch (IOException e) {
                answer.completeExceptionally(e);
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket; // before the Engine.IO open packet is answered
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                parts.append(data);
            } else if (parts.length() > 0) {
                parts.append(data);
                String frame = parts.toString();
                parts.setLength(0);
                onFrame(frame);
            } else {
                onFrame(data.toString());
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
    }
}
