package io.noa.realtime.benchmarks.latency;

import io.noa.realtime.benchmarks.Report;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Choice;
import io.noa.realtime.chat.Delta;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Time to first token: how much later than a hand-written socket reader does a noa
 * {@link StreamingChat} see the first content token? Against the testkit's
 * {@link MockInferenceServer} (no artificial delay, keep-alive), it times many sequential requests
 * from the moment the request is started to the first chunk carrying non-empty
 * {@code delta.content}: a raw socket (request written by hand on one kept-alive connection, bytes
 * scanned for the first non-empty {@code "content":"}), and {@code StreamingChat.stream} on
 * transport-netty and on transport-jdk. Each request is read to its end before the next starts.
 * Clients take turns in rounds after a warm-up; it reports p50 and p99 in microseconds and the
 * overhead against the raw reader.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.noa.realtime.benchmarks.latency.FirstTokenLatency [--quick] [--readme benchmarks/README.md]
 * </pre>
 */
public final class FirstTokenLatency {
    private static final String REPLY = "Streaming tokens over server sent events is mostly waiting for the network";
    private static final byte[] TOKEN = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED_END = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private FirstTokenLatency() {}

    /** One way of reading a completion: returns nanoseconds from start to first token. */
    public interface Client extends AutoCloseable {
        /**
         * Sends one chat request, waits for the whole answer, and returns the time to the first token.
         *
         * @return nanoseconds from starting the request to the first non-empty content token
         * @throws Exception if the request fails
         */
        long firstTokenNanos() throws Exception;

        @Override
        void close() throws IOException;
    }

    /**
     * Runs the comparison and prints (and optionally writes) the table.
     *
     * @param args {@code [--quick] [--readme PATH]}
     * @throws Exception if a request fails or the README cannot be written
     */
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path readme = Report.readmeArgument(args);
        int warmUp = quick ? 500 : 3_000;
        int rounds = quick ? 3 : 5;
        int perRound = quick ? 300 : 1_000;
        Map<String, double[]> micros = new LinkedHashMap<>();
        try (MockInferenceServer server = MockInferenceServer.builder().tokenDelay(Duration.ZERO).defaultReply(REPLY).start()) {
            Map<String, Client> clients = new LinkedHashMap<>();
            clients.put("raw socket", new RawClient(server.chatUri()));
            clients.put("noa StreamingChat, netty", new NoaClient(server.chatUri(), NettyTransport.create()));
            clients.put("noa StreamingChat, jdk", new NoaClient(server.chatUri(), JdkTransport.create()));
            clients.put("java.net.http HttpClient, send", new HttpClientClient(server.chatUri(), false));
            clients.put("java.net.http HttpClient, sendAsync", new HttpClientClient(server.chatUri(), true));
            try {
                for (Map.Entry<String, Client> e : clients.entrySet()) {
                    for (int i = 0; i < warmUp; i++) {
                        e.getValue().firstTokenNanos();
                    }
                    micros.put(e.getKey(), new double[rounds * perRound]);
                }
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, Client> e : clients.entrySet()) {
                        double[] out = micros.get(e.getKey());
                        for (int i = 0; i < perRound; i++) {
                            out[r * perRound + i] = e.getValue().firstTokenNanos() / 1000.0;
                        }
                    }
                }
            } finally {
                for (Client c : clients.values()) {
                    c.close();
                }
            }
        }
        String command = "java -cp benchmarks/target/benchmarks.jar " + FirstTokenLatency.class.getName()
                + (quick ? " --quick" : "");
        String text = render(micros, warmUp, rounds * perRound, command);
        System.out.println(text);
        if (readme != null) {
            Report.updateReadme(readme, "first-token", text);
        }
    }

    static String render(Map<String, double[]> micros, int warmUp, int measured, String command) {
        double rawP50 = Report.percentile(micros.values().iterator().next(), 50);
        double rawP99 = Report.percentile(micros.values().iterator().next(), 99);
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> e : micros.entrySet()) {
            double p50 = Report.percentile(e.getValue(), 50);
            double p99 = Report.percentile(e.getValue(), 99);
            rows.add(List.of(e.getKey(), Report.num(p50, 0), Report.num(p99, 0),
                    Report.num(p50 - rawP50, 0), Report.num(p99 - rawP99, 0), Report.num(p50 / rawP50, 2) + "×"));
        }
        return "Machine: " + Report.machine() + ". Date: " + Report.today() + ".\n\n"
                + "Command: `" + command + "`; " + warmUp + " warm-up then " + measured
                + " measured sequential requests per client, interleaved in rounds, against `MockInferenceServer`"
                + " (no token delay) in the same JVM.\n\n"
                + Report.table(List.of("client", "p50 µs", "p99 µs", "p50 overhead vs raw µs",
                        "p99 overhead vs raw µs", "p50 / raw"), rows);
    }

    // ------------------------------------------------------------------ clients

    /** The lower bound: one kept-alive socket, the request written by hand, bytes scanned. */
    public static final class RawClient implements Client {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] request;
        private final byte[] buf = new byte[64 * 1024];

        /**
         * Connects to the server.
         *
         * @param chatUri the chat completions URL
         * @throws IOException if the connection fails
         */
        public RawClient(URI chatUri) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(chatUri.getHost(), chatUri.getPort()));
            out = socket.getOutputStream();
            in = socket.getInputStream();
            byte[] body = body();
            String head = "POST " + chatUri.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + chatUri.getHost() + ":" + chatUri.getPort() + "\r\n"
                    + "Content-Type: application/json\r\nAccept: text/event-stream\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            request = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, request, h.length, body.length);
        }

        @Override
        public long firstTokenNanos() throws IOException {
            long t0 = System.nanoTime();
            out.write(request);
            out.flush();
            int len = 0;
            long first = -1;
            int scanFrom = 0;
            while (true) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    throw new IOException("the server closed the connection mid-answer");
                }
                len += n;
                if (first < 0 && hasToken(buf, scanFrom, len)) {
                    first = System.nanoTime() - t0;
                }
                scanFrom = Math.max(0, len - TOKEN.length - 1);
                if (endsWith(buf, len, CHUNKED_END)) {
                    if (first < 0) {
                        throw new IOException("the answer had no content token");
                    }
                    return first;
                }
                if (len == buf.length) {
                    throw new IOException("answer larger than " + buf.length + " bytes");
                }
            }
        }

        static boolean hasToken(byte[] a, int from, int to) {
            outer:
            for (int i = from; i + TOKEN.length < to; i++) {
                for (int j = 0; j < TOKEN.length; j++) {
                    if (a[i + j] != TOKEN[j]) {
                        continue outer;
                    }
                }
                if (a[i + TOKEN.length] != '"') {
                    return true;
                }
            }
            return false;
        }

        private static boolean endsWith(byte[] a, int len, byte[] suffix) {
            if (len < suffix.length) {
                return false;
            }
            for (int i = 0; i < suffix.length; i++) {
                if (a[len - suffix.length + i] != suffix[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * The JDK's own floor: a plain {@code java.net.http.HttpClient} (its default executor, HTTP/1.1,
     * one kept-alive connection) posting the same request, the body's buffers scanned for the first
     * token as they arrive, as the raw reader does. What noa on transport-jdk adds is measured
     * against this as well as against the raw socket.
     */
    public static final class HttpClientClient implements Client {
        private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        private final java.net.http.HttpRequest request;
        private final boolean async;

        /**
         * A client for {@code chatUri}.
         *
         * @param chatUri the chat completions URL
         * @param async {@code sendAsync(...).get()} (what a transport that must not block does)
         *        rather than {@code send(...)}: on Java 17 {@code sendAsync} schedules every stage of
         *        the exchange on the executor and completes its future on {@code CompletableFuture}'s
         *        default executor (a new thread per response when the common pool's parallelism is
         *        1, as on 2 cores), where {@code send} runs stages inline on the calling and pool threads
         */
        public HttpClientClient(URI chatUri, boolean async) {
            this.async = async;
            request = java.net.http.HttpRequest.newBuilder(chatUri).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body()))
                    .build();
        }

        @Override
        public long firstTokenNanos() throws Exception {
            long t0 = System.nanoTime();
            long[] first = {-1};
            byte[] tail = new byte[TOKEN.length + 1];
            int[] tailLen = {0};
            java.net.http.HttpResponse.BodyHandler<Void> handler = info ->
                    java.net.http.HttpResponse.BodySubscribers.fromSubscriber(new Flow.Subscriber<List<java.nio.ByteBuffer>>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            s.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(List<java.nio.ByteBuffer> buffers) {
                            if (first[0] >= 0) {
                                return;
                            }
                            for (java.nio.ByteBuffer b : buffers) {
                                // the previous buffers' last bytes in front, so a token split between buffers is seen
                                byte[] a = new byte[tailLen[0] + b.remaining()];
                                System.arraycopy(tail, 0, a, 0, tailLen[0]);
                                b.get(a, tailLen[0], b.remaining());
                                if (RawClient.hasToken(a, 0, a.length)) {
                                    first[0] = System.nanoTime() - t0;
                                    return;
                                }
                                tailLen[0] = Math.min(tail.length, a.length);
                                System.arraycopy(a, a.length - tailLen[0], tail, 0, tailLen[0]);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            // send() throws it
                        }

                        @Override
                        public void onComplete() {
                            // send() returns once the body is complete
                        }
                    });
            java.net.http.HttpResponse<Void> response = async ? client.sendAsync(request, handler).get()
                    : client.send(request, handler);
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            if (first[0] < 0) {
                throw new IOException("the answer had no content token");
            }
            return first[0];
        }

        @Override
        public void close() {
            // HttpClient has no close on Java 17; its threads end once it is unreachable
        }
    }

    /** noa's {@link StreamingChat#stream(ChatRequest)} on one transport. */
    public static final class NoaClient implements Client {
        private final StreamingChat chat;
        private final Transport transport;
        private final ChatRequest request = ChatRequest.builder().model("mock").message(Message.user("hi")).build();

        /**
         * A chat client on {@code transport} (closed with this client).
         *
         * @param chatUri the chat completions URL
         * @param transport the transport
         */
        public NoaClient(URI chatUri, Transport transport) {
            this.transport = transport;
            this.chat = StreamingChat.builder(chatUri).transport(transport).build();
        }

        @Override
        public long firstTokenNanos() throws Exception {
            CompletableFuture<Long> done = new CompletableFuture<>();
            long t0 = System.nanoTime();
            chat.stream(request).subscribe(new Flow.Subscriber<StreamChunk>() {
                private long first = -1;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamChunk chunk) {
                    if (first < 0) {
                        for (Choice c : chunk.choices()) {
                            if (c.delta().flatMap(Delta::content).filter(t -> !t.isEmpty()).isPresent()) {
                                first = System.nanoTime() - t0;
                                break;
                            }
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    if (first < 0) {
                        done.completeExceptionally(new IOException("the answer had no content token"));
                    } else {
                        done.complete(first);
                    }
                }
            });
            return done.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            chat.close();
            transport.close();
        }
    }

    private static byte[] body() {
        return ChatRequest.builder().model("mock").message(Message.user("hi")).build().toJson("mock");
    }
}
