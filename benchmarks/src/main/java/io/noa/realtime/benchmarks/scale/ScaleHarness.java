package io.noa.realtime.benchmarks.scale;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.StateChange;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.benchmarks.Report;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import io.noa.realtime.ws.RealtimeClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many idle connections one small client JVM holds: N concurrent SSE streams and N WebSocket
 * sessions ({@link RealtimeClient}) against a {@link ScaleServer} running in a child JVM, on
 * transport-netty and transport-jdk. Per row it reports how many opened, the heap each idle
 * connection keeps (used heap after three {@code System.gc()} minus the baseline, divided by the
 * connections open), the threads started while opening, and the time to open them all. A row
 * stops early, and says why, when used heap stays above 85% of the maximum after a collection,
 * when a connection fails, or when its time budget is spent.
 *
 * <pre>
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar io.noa.realtime.benchmarks.scale.ScaleHarness [--quick] [--readme benchmarks/README.md]
 * </pre>
 *
 * <p>{@code --quick} runs N = 1,000 only; the full run adds N = 10,000.
 */
public final class ScaleHarness {
    private static final double HEAP_LIMIT = 0.85;
    private static final int IN_FLIGHT = 200;
    private static final int WARM_UP = 20;

    private ScaleHarness() {}

    /** What kind of connection a row opens. */
    public enum Kind {
        /** An idle SSE stream through {@link SseClient}. */
        SSE,
        /** An idle WebSocket session through {@link RealtimeClient}. */
        WS
    }

    /** One row's outcome. */
    public static final class Row {
        /** The transport's name. */
        public final String transport;
        /** What was opened. */
        public final Kind kind;
        /** How many were asked for. */
        public final int target;
        /** How many opened (first event received, or handshake done). */
        public final int opened;
        /** How many failed to open. */
        public final int failed;
        /** Retained heap per open connection, bytes. */
        public final double heapPerConnection;
        /** Threads started while the N connections opened. */
        public final long threadsStarted;
        /** Live threads after opening minus before. */
        public final int liveThreadDelta;
        /** Threads the transport started for itself (creation and a warm-up). */
        public final long transportThreads;
        /** Time to open them all, milliseconds. */
        public final double openMillis;
        /** Why the row stopped early, or "" when every connection opened. */
        public final String stopReason;

        Row(String transport, Kind kind, int target, int opened, int failed, double heapPerConnection,
                long threadsStarted, int liveThreadDelta, long transportThreads, double openMillis, String stopReason) {
            this.transport = transport;
            this.kind = kind;
            this.target = target;
            this.opened = opened;
            this.failed = failed;
            this.heapPerConnection = heapPerConnection;
            this.threadsStarted = threadsStarted;
            this.liveThreadDelta = liveThreadDelta;
            this.transportThreads = transportThreads;
            this.openMillis = openMillis;
            this.stopReason = stopReason;
        }

        /**
         * Whether every connection asked for opened.
         *
         * @return true when all opened
         */
        public boolean allOpened() {
            return opened == target;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s N=%d opened=%d failed=%d heap/conn=%.0f B threads=%d live+%d"
                    + " transportThreads=%d open=%.0f ms %s", transport, kind, target, opened, failed,
                    heapPerConnection, threadsStarted, liveThreadDelta, transportThreads, openMillis, stopReason);
        }
    }

    /**
     * Runs the rows and prints (and optionally writes) the table.
     *
     * @param args {@code [--quick] [--readme PATH]}
     * @throws Exception if the server cannot be started or the README written
     */
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path readme = Report.readmeArgument(args);
        int[] sizes = quick ? new int[] {1_000} : new int[] {1_000, 10_000};
        Duration budget = Duration.ofSeconds(quick ? 60 : 180);
        long maxHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        System.out.printf(Locale.ROOT, "client heap max %d MB, %d processors%n", maxHeap >> 20,
                Runtime.getRuntime().availableProcessors());
        List<Row> rows = new ArrayList<>();
        Process server = startServerProcess();
        try {
            URI[] uris = readPorts(server);
            System.out.println("server child pid " + server.pid() + ": " + uris[0] + " " + uris[1]);
            for (String transport : List.of("netty", "jdk")) {
                for (int n : sizes) {
                    for (Kind kind : Kind.values()) {
                        Row row = measure(transport, kind, kind == Kind.SSE ? uris[0] : uris[1], n, budget);
                        System.out.println(row);
                        rows.add(row);
                    }
                }
            }
        } finally {
            stopServerProcess(server);
        }
        String command = "java -Xmx" + (maxHeap >> 20) + "m -cp benchmarks/target/benchmarks.jar "
                + ScaleHarness.class.getName() + (quick ? " --quick" : "");
        String text = render(rows, command);
        System.out.println();
        System.out.println(text);
        if (readme != null) {
            Report.updateReadme(readme, "scale", text);
        }
    }

    static String render(List<Row> rows, String command) {
        List<List<String>> table = new ArrayList<>();
        for (Row r : rows) {
            table.add(List.of(
                    r.transport,
                    r.kind == Kind.SSE ? "SSE stream" : "WebSocket",
                    String.format(Locale.ROOT, "%,d", r.target),
                    String.format(Locale.ROOT, "%,d", r.opened) + (r.allOpened() ? " (all)" : ""),
                    Report.num(r.heapPerConnection / 1024.0, 1),
                    Long.toString(r.threadsStarted),
                    Integer.toString(r.liveThreadDelta),
                    (long) r.liveThreadDelta * 2 >= Math.max(1, r.opened) ? "yes" : "no",
                    Long.toString(r.transportThreads),
                    Report.num(r.openMillis / 1000.0, 2),
                    r.stopReason.isEmpty() ? "" : r.stopReason));
        }
        return "Machine: " + Report.machine() + ". Date: " + Report.today() + ".\n\n"
                + "Command: `" + command + "` (server in a child JVM, `-Xmx1g`).\n\n"
                + Report.table(List.of("transport", "connection", "N", "opened", "heap KB / idle conn",
                        "threads started while opening", "live threads after − before", "thread per conn", "transport threads", "open all (s)",
                        "stopped because"), table)
                + "\n\"Thread per conn\" counts threads still alive with the connections open. On a machine"
                + " with 2 cores or fewer, the JDK's `HttpClient` completes each `sendAsync`/`buildAsync`"
                + " through `CompletableFuture`'s default executor, which then starts a short-lived thread per"
                + " task: those show under \"threads started\" for the JDK transport but are not held.\n";
    }

    // ------------------------------------------------------------------ one row

    /**
     * Opens {@code n} idle connections of one kind on one transport, measures, and closes them.
     *
     * @param transportName {@code netty} or {@code jdk}
     * @param kind SSE streams or WebSocket sessions
     * @param uri the server's SSE or WebSocket URL
     * @param n how many connections
     * @param budget the time allowed for opening them
     * @return the row
     * @throws InterruptedException if interrupted
     */
    public static Row measure(String transportName, Kind kind, URI uri, int n, Duration budget)
            throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long startedBeforeTransport = threads.getTotalStartedThreadCount();
        Transport transport = transportName.equals("netty") ? NettyTransport.create() : JdkTransport.create();
        try {
            // warm up: load the classes and let the transport start what it shares
            List<AutoCloseable> warm = new ArrayList<>();
            Opening warmUp = new Opening(WARM_UP, Duration.ofSeconds(30), Long.MAX_VALUE);
            for (int i = 0; i < WARM_UP && warmUp.next(); i++) {
                warm.add(open(kind, transport, uri, warmUp));
            }
            warmUp.awaitInFlight();
            closeAll(warm);
            Thread.sleep(200);

            long baseline = usedAfterGc(memory);
            long transportThreads = threads.getTotalStartedThreadCount() - startedBeforeTransport;
            long startedBefore = threads.getTotalStartedThreadCount();
            int liveBefore = threads.getThreadCount();

            long limit = (long) (memory.getHeapMemoryUsage().getMax() * HEAP_LIMIT);
            List<AutoCloseable> clients = new ArrayList<>(n);
            Opening opening = new Opening(n, budget, limit);
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < n && opening.next(); i++) {
                    clients.add(open(kind, transport, uri, opening));
                }
            } catch (OutOfMemoryError e) {
                opening.stop("out of memory");
            }
            opening.awaitInFlight();
            double openMillis = (System.nanoTime() - t0) / 1e6;
            long startedDuring = threads.getTotalStartedThreadCount() - startedBefore;
            int liveDelta = threads.getThreadCount() - liveBefore;

            Thread.sleep(500); // idle
            long used = usedAfterGc(memory);
            int opened = opening.opened.get();
            double perConnection = opened == 0 ? 0 : (double) (used - baseline) / opened;
            String reason = opening.reason();
            if (reason.isEmpty() && opened < n) {
                reason = opening.failed.get() + " failed to open";
            }
            if (!reason.isEmpty()) {
                reason = reason + " at " + String.format(Locale.ROOT, "%,d", opened);
            }
            closeAll(clients);
            clients.clear();
            return new Row(transportName, kind, n, opened, opening.failed.get(), perConnection, startedDuring,
                    liveDelta, transportThreads, openMillis, reason);
        } finally {
            transport.close();
            Thread.sleep(300);
            usedAfterGc(memory);
        }
    }

    private static AutoCloseable open(Kind kind, Transport transport, URI uri, Opening opening) {
        AtomicBoolean done = new AtomicBoolean();
        if (kind == Kind.SSE) {
            SseClient client = SseClient.builder(uri)
                    .transport(transport)
                    .retryPolicy(RetryPolicy.none())
                    .idleTimeout(Duration.ofMinutes(30))
                    .build();
            client.on("first", e -> opened(done, opening));
            client.onStateChange(c -> failedIfDown(c, done, opening));
            client.connect();
            return client;
        }
        RealtimeClient client = RealtimeClient.builder(uri)
                .transport(transport)
                .autoConnect(false)
                .reconnection(false)
                .build();
        client.onConnect(() -> opened(done, opening));
        client.onStateChange(c -> failedIfDown(c, done, opening));
        client.connect();
        return client;
    }

    /** The first outcome of a connection counts: it opened. */
    private static void opened(AtomicBoolean done, Opening opening) {
        if (done.compareAndSet(false, true)) {
            opening.opened();
        }
    }

    /** The first outcome of a connection counts: it failed, or went down before it opened. */
    private static void failedIfDown(StateChange c, AtomicBoolean done, Opening opening) {
        if ((c.to() == ConnectionState.FAILED || c.to() == ConnectionState.DISCONNECTED)
                && done.compareAndSet(false, true)) {
            opening.failed(c.cause().map(Throwable::toString).orElse(c.to().toString()));
        }
    }

    private static void closeAll(List<AutoCloseable> clients) {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // closing is best effort here
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Admission for one row: bounded connections in flight, heap and time limits, first failure stops. */
    private static final class Opening {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
        private final long deadline;
        private final long heapLimit;
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private volatile String stopReason = "";
        private volatile String firstFailure;
        private int started;

        Opening(int n, Duration budget, long heapLimit) {
            this.deadline = System.nanoTime() + budget.toNanos();
            this.heapLimit = heapLimit;
        }

        /** Waits for room to open one more; false when the row must stop. */
        boolean next() throws InterruptedException {
            while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (!checkLimits()) {
                    return false;
                }
            }
            if (!checkLimits()) {
                inFlight.release();
                return false;
            }
            if (++started % 50 == 0 && memory.getHeapMemoryUsage().getUsed() > heapLimit) {
                System.gc();
                if (memory.getHeapMemoryUsage().getUsed() > heapLimit) {
                    stop("heap above " + Math.round(HEAP_LIMIT * 100) + "%");
                    inFlight.release();
                    return false;
                }
            }
            return true;
        }

        private boolean checkLimits() {
            if (!stopReason.isEmpty()) {
                return false;
            }
            if (firstFailure != null) {
                stop("failure: " + firstFailure);
                return false;
            }
            if (System.nanoTime() > deadline) {
                stop("time budget spent");
                return false;
            }
            return true;
        }

        void opened() {
            opened.incrementAndGet();
            inFlight.release();
        }

        void failed(String why) {
            failed.incrementAndGet();
            if (firstFailure == null) {
                firstFailure = why;
            }
            inFlight.release();
        }

        void stop(String why) {
            if (stopReason.isEmpty()) {
                stopReason = why;
            }
        }

        String reason() {
            if (stopReason.isEmpty() && firstFailure != null) {
                return "failure: " + firstFailure;
            }
            return stopReason;
        }

        /** Waits (at most 30 s) until every connection started has opened or failed. */
        void awaitInFlight() throws InterruptedException {
            if (inFlight.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)) {
                inFlight.release(IN_FLIGHT);
            } else {
                stop("connections still opening after 30 s");
            }
        }
    }

    // ------------------------------------------------------------------ the server process

    private static Process startServerProcess() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ScaleServer.class.getName());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return p;
    }

    private static URI[] readPorts(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher m = line == null ? null : Pattern.compile("ports sse=(\\d+) ws=(\\d+)").matcher(line);
        if (m == null || !m.find()) {
            throw new IOException("ScaleServer did not print its ports: " + line);
        }
        return new URI[] {
            URI.create("http://127.0.0.1:" + m.group(1) + "/sse"), URI.create("ws://127.0.0.1:" + m.group(2) + "/ws")
        };
    }

    private static void stopServerProcess(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
