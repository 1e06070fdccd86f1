package io.noa.realtime.benchmarks.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.benchmarks.Report;
import io.noa.realtime.benchmarks.ThreadMeter;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import io.noa.realtime.ws.RealtimeClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * WebSocket side by side on the testkit {@link RoomServer}: noa-realtime's {@link RealtimeClient}
 * (on transport-netty and on transport-jdk) against a plain Java-WebSocket {@link WebSocketClient}
 * that speaks the same JSON envelope by hand (Jackson for its payloads, like a user would).
 *
 * <ol>
 *   <li><b>Throughput</b>: fire-and-forget {@code echo} emits that the server sends back; at most
 *       {@code window} emits are unanswered at any time (well below the SDK's
 *       {@code maxPendingEmits} and {@code maxQueuedBytes}, so nothing is refused or dropped);
 *       every echo is counted. Messages per second and client CPU per message.</li>
 *   <li><b>Acknowledgement round trip</b>: sequential {@code emitWithAck}s (the server answers
 *       with the emitted data); p50 and p99 in microseconds and client CPU per acknowledgement.</li>
 * </ol>
 *
 * <p>Several rounds, clients interleaved in a rotating order, medians reported; the CPU figures
 * count every thread of this JVM except the server's ({@code WebSocketSelector-*},
 * {@code WebSocketWorker-*}, {@code RoomServer-writer}). Run:
 * {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar io.noa.realtime.benchmarks.ws.WebSocketBench [--quick] [--readme benchmarks/README.md]}.
 */
public final class WebSocketBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONTENT = "Hello, room! This is a short chat message.";

    /** Server threads, excluded from the client CPU figures. */
    static final Predicate<String> CLIENT_THREADS = name -> !name.startsWith("WebSocketSelector-")
            && !name.startsWith("WebSocketWorker-") && !name.startsWith("RoomServer-writer");

    private WebSocketBench() {}

    /**
     * How much to run.
     *
     * @param rounds measured rounds (each runs every client once per measurement)
     * @param messages echo messages per client and round
     * @param window unanswered emits allowed at once
     * @param acks sequential acknowledgements per client and round
     * @param warmupMessages echo messages per client before measuring
     * @param warmupAcks acknowledgements per client before measuring
     */
    record Settings(int rounds, int messages, int window, int acks, int warmupMessages, int warmupAcks) {
        static Settings full() {
            return new Settings(5, 200_000, 256, 20_000, 200_000, 20_000);
        }

        static Settings quick() {
            return new Settings(3, 30_000, 256, 3_000, 30_000, 3_000);
        }
    }

    /**
     * What one client measured, per round.
     *
     * @param name the client
     * @param msgsPerSecond throughput of each round
     * @param cpuMicrosPerMsg client CPU per echoed message, each round
     * @param p50 ack round trip p50 in µs, each round
     * @param p99 ack round trip p99 in µs, each round
     * @param cpuMicrosPerAck client CPU per acknowledgement, each round
     * @param echoed echoes received in all rounds (warm-up excluded)
     * @param acked acknowledgements received in all rounds (warm-up excluded)
     */
    record Result(String name, double[] msgsPerSecond, double[] cpuMicrosPerMsg, double[] p50, double[] p99,
            double[] cpuMicrosPerAck, long echoed, long acked) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --quick} for a short run, {@code --readme PATH} to rewrite the README section
     * @throws Exception when a client fails
     */
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path readme = Report.readmeArgument(args);
        Settings settings = quick ? Settings.quick() : Settings.full();
        System.out.println("WebSocket benchmark, " + (quick ? "quick" : "full") + " run: " + settings);
        List<Result> results = run(settings, true);
        String text = report(results, settings, quick);
        System.out.println();
        System.out.println(text);
        if (readme != null) {
            Report.updateReadme(readme, "websocket", text);
            System.out.println("Updated section 'websocket' of " + readme);
        }
    }

    /**
     * Starts a server, connects the three clients, warms them up and measures them.
     *
     * @param s the settings
     * @param verbose print each round
     * @return one result per client, the plain client last
     * @throws Exception when a client fails
     */
    static List<Result> run(Settings s, boolean verbose) throws Exception {
        try (RoomServer server = RoomServer.builder().recordFrames(false).start();
                NettyTransport netty = NettyTransport.create();
                JdkTransport jdk = JdkTransport.create()) {
            List<Client> clients = List.of(
                    new SdkClient("noa RealtimeClient (netty)", server.uri(), netty),
                    new SdkClient("noa RealtimeClient (jdk)", server.uri(), jdk),
                    new PlainClient("plain Java-WebSocket", server.uri()));
            try {
                for (Client c : clients) {
                    c.open();
                }
                ThreadMeter meter = new ThreadMeter(CLIENT_THREADS);
                for (Client c : clients) {
                    c.throughput(s.warmupMessages(), s.window());
                    c.acks(s.warmupAcks());
                }
                int n = clients.size();
                double[][] rate = new double[n][s.rounds()];
                double[][] cpuMsg = new double[n][s.rounds()];
                double[][] p50 = new double[n][s.rounds()];
                double[][] p99 = new double[n][s.rounds()];
                double[][] cpuAck = new double[n][s.rounds()];
                long[] echoed = new long[n];
                long[] acked = new long[n];
                for (int r = 0; r < s.rounds(); r++) {
                    for (int k = 0; k < n; k++) {
                        int i = (k + r) % n;
                        Client c = clients.get(i);
                        long before = c.echoes();
                        meter.start();
                        long nanos = c.throughput(s.messages(), s.window());
                        meter.stop();
                        echoed[i] += c.echoes() - before;
                        rate[i][r] = s.messages() * 1e9 / nanos;
                        cpuMsg[i][r] = meter.cpuNanos() / 1e3 / s.messages();
                    }
                    for (int k = 0; k < n; k++) {
                        int i = (k + r) % n;
                        Client c = clients.get(i);
                        meter.start();
                        double[] micros = c.acks(s.acks());
                        meter.stop();
                        acked[i] += micros.length;
                        p50[i][r] = Report.percentile(micros, 50);
                        p99[i][r] = Report.percentile(micros, 99);
                        cpuAck[i][r] = meter.cpuNanos() / 1e3 / s.acks();
                    }
                    if (verbose) {
                        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                        for (int i = 0; i < n; i++) {
                            line.append("  ").append(clients.get(i).name()).append(' ')
                                    .append(Report.num(rate[i][r], 0)).append(" msgs/s, p50 ")
                                    .append(Report.num(p50[i][r], 0)).append(" µs");
                        }
                        System.out.println(line);
                    }
                }
                List<Result> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.add(new Result(clients.get(i).name(), rate[i], cpuMsg[i], p50[i], p99[i], cpuAck[i],
                            echoed[i], acked[i]));
                }
                return out;
            } finally {
                for (Client c : clients) {
                    c.close();
                }
            }
        }
    }

    /**
     * The README section: machine, date, command, then the tables of medians and ratios.
     *
     * @param results one per client, the plain client last
     * @param s the settings
     * @param quick whether it was the quick run
     * @return Markdown
     */
    static String report(List<Result> results, Settings s, boolean quick) {
        Result plain = results.get(results.size() - 1);
        double plainRate = Report.median(plain.msgsPerSecond());
        double plainP50 = Report.median(plain.p50());
        double plainP99 = Report.median(plain.p99());
        List<List<String>> tput = new ArrayList<>();
        List<List<String>> acks = new ArrayList<>();
        for (Result r : results) {
            double rate = Report.median(r.msgsPerSecond());
            double p50 = Report.median(r.p50());
            double p99 = Report.median(r.p99());
            boolean isPlain = r == plain;
            tput.add(List.of(r.name(), Report.num(rate, 0), Report.num(Report.median(r.cpuMicrosPerMsg()), 2),
                    isPlain ? "1.00" : Report.num(rate / plainRate, 2)));
            acks.add(List.of(r.name(), Report.num(p50, 0), Report.num(p99, 0),
                    Report.num(Report.median(r.cpuMicrosPerAck()), 2),
                    isPlain ? "1.00" : Report.num(p50 / plainP50, 2),
                    isPlain ? "1.00" : Report.num(p99 / plainP99, 2)));
        }
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(Report.machine()).append(". Date: ").append(Report.today()).append(".\n");
        b.append("Command: `java -Xmx1g -cp benchmarks/target/benchmarks.jar io.noa.realtime.benchmarks.ws.WebSocketBench")
                .append(quick ? " --quick" : "").append(" --readme benchmarks/README.md`\n\n");
        b.append("Medians of ").append(s.rounds()).append(" interleaved rounds on one `RoomServer`; ")
                .append(s.messages()).append(" echoed messages per client and round with at most ")
                .append(s.window()).append(" unanswered, ").append(s.acks())
                .append(" sequential acknowledgements per client and round.\n\n");
        b.append("Message throughput (ratio = ours ÷ plain; higher is better)\n\n");
        b.append(Report.table(List.of("client", "msgs/s", "client CPU µs/msg", "ratio"), tput));
        b.append("\nAcknowledgement round trip (ratio = ours ÷ plain; lower is better)\n\n");
        b.append(Report.table(List.of("client", "p50 µs", "p99 µs", "client CPU µs/ack", "p50 ratio", "p99 ratio"), acks));
        return b.toString();
    }

    // ------------------------------------------------------------------ clients

    /** One client under test. */
    interface Client extends AutoCloseable {
        String name();

        void open() throws Exception;

        /** Emits {@code count} echo events, at most {@code window} unanswered; returns when all came back. */
        long throughput(int count, int window) throws Exception;

        /** Sequential acknowledged emits; the round trip of each, in µs. */
        double[] acks(int count) throws Exception;

        /** Echoes received so far. */
        long echoes();

        @Override
        void close();
    }

    /**
     * Times {@code count} sequential acknowledged emits, each from the call of {@code ask} to its
     * answer, and checks that every answer carries its own sequence number.
     */
    private static double[] timeAcks(String name, int count, IntFunction<CompletableFuture<JsonNode>> ask)
            throws Exception {
        double[] micros = new double[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            JsonNode answer = ask.apply(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            micros[i] = (System.nanoTime() - t0) / 1e3;
            if (answer.path("seq").asLong(-1) != i) {
                throw new IllegalStateException(name + ": wrong answer " + answer + " for #" + i);
            }
        }
        return micros;
    }

    private static Map<String, Object> payload(long i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roomId", "bench");
        m.put("seq", i);
        m.put("content", CONTENT);
        return m;
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException, TimeoutException {
        if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(what + " did not finish within " + WAIT);
        }
    }

    private static void acquire(Semaphore window, String what) throws InterruptedException, TimeoutException {
        if (!window.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(what + ": no echo within " + WAIT);
        }
    }

    /** noa-realtime's client on a transport. */
    static final class SdkClient implements Client {
        private final String name;
        private final RealtimeClient client;
        private final AtomicLong echoes = new AtomicLong();
        private volatile Semaphore window = new Semaphore(0);
        private volatile CountDownLatch done = new CountDownLatch(0);

        SdkClient(String name, URI uri, Transport transport) {
            this.name = name;
            this.client = RealtimeClient.builder(uri).transport(transport).auth(Map.of("userId", "sdk"))
                    .autoConnect(false).build();
            client.on("echo", data -> {
                echoes.incrementAndGet();
                window.release();
                done.countDown();
            });
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
            await(connected, name + " connect");
        }

        @Override
        public long throughput(int count, int windowSize) throws Exception {
            window = new Semaphore(windowSize);
            done = new CountDownLatch(count);
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                acquire(window, name);
                client.emit("echo", payload(i));
            }
            await(done, name + " throughput");
            return System.nanoTime() - t0;
        }

        @Override
        public double[] acks(int count) throws Exception {
            return timeAcks(name, count, i -> client.emitWithAck("ask", payload(i), WAIT));
        }

        @Override
        public long echoes() {
            return echoes.get();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A plain Java-WebSocket client speaking the envelope by hand. */
    static final class PlainClient implements Client {
        private final String name;
        private final Impl ws;
        private final AtomicLong echoes = new AtomicLong();
        private final ConcurrentHashMap<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final CountDownLatch connected = new CountDownLatch(1);
        private volatile Semaphore window = new Semaphore(0);
        private volatile CountDownLatch done = new CountDownLatch(0);
        private long nextAck;

        PlainClient(String name, URI uri) {
            this.name = name;
            this.ws = new Impl(uri);
        }

        private final class Impl extends WebSocketClient {
            Impl(URI uri) {
                super(uri);
                setTcpNoDelay(true);
                setConnectionLostTimeout(0);
            }

            @Override
            public void onOpen(ServerHandshake handshake) {
                send(envelope("$connect", Map.of("userId", "plain"), -1));
            }

            @Override
            public void onMessage(String message) {
                JsonNode root;
                try {
                    root = JSON.readTree(message);
                } catch (java.io.IOException e) {
                    return;
                }
                JsonNode ack = root.get("ack");
                if (ack != null) {
                    CompletableFuture<JsonNode> f = pending.remove(ack.asLong());
                    if (f != null) {
                        f.complete(root.path("data"));
                    }
                    return;
                }
                String event = root.path("event").asText("");
                JsonNode data = root.path("data");
                if (event.equals("echo")) {
                    echoed(data);
                } else if (event.equals("$connected")) {
                    connected.countDown();
                }
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {}

            @Override
            public void onError(Exception ex) {}
        }

        private void echoed(JsonNode data) {
            echoes.incrementAndGet();
            window.release();
            done.countDown();
        }

        private static String envelope(String event, Object data, long ack) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", event);
            m.put("data", data);
            if (ack >= 0) {
                m.put("ack", ack);
            }
            try {
                return JSON.writeValueAsString(m);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void open() throws Exception {
            if (!ws.connectBlocking(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException(name + " could not connect");
            }
            await(connected, name + " $connect");
        }

        @Override
        public long throughput(int count, int windowSize) throws Exception {
            window = new Semaphore(windowSize);
            done = new CountDownLatch(count);
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                acquire(window, name);
                ws.send(envelope("echo", payload(i), -1));
            }
            await(done, name + " throughput");
            return System.nanoTime() - t0;
        }

        @Override
        public double[] acks(int count) throws Exception {
            return timeAcks(name, count, i -> {
                long id = nextAck++;
                CompletableFuture<JsonNode> answer = new CompletableFuture<>();
                pending.put(id, answer);
                ws.send(envelope("ask", payload(i), id));
                return answer;
            });
        }

        @Override
        public long echoes() {
            return echoes.get();
        }

        @Override
        public void close() {
            try {
                ws.closeBlocking();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
