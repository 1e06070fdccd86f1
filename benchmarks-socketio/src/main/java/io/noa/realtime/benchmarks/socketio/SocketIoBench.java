package io.noa.realtime.benchmarks.socketio;

import io.noa.realtime.benchmarks.Report;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Socket.IO side by side against one local Node {@code socket.io} 4.8.4 server (installed with
 * {@code npm ci} and started by the harness): noa-realtime's {@code RealtimeClient} with
 * {@code SocketIo.v5()} on transport-netty and on transport-jdk, a plain JDK WebSocket writing
 * the raw frames (the floor) and {@code io.socket:socket.io-client} 2.1.2 (the Java peer), all in
 * this JVM, interleaved in rotating order, medians over rounds.
 *
 * <ol>
 *   <li><b>Sequential</b>: one acknowledged emit at a time; round trip p50 and p99 in µs.</li>
 *   <li><b>Pipelined</b>: one caller keeps {@code window} acknowledged emits in flight; acks/s.</li>
 *   <li><b>Concurrent</b>: {@code threads} callers issue {@code concurrent} acknowledged emits at
 *       once, each with an ack timeout (the peer's {@code AckWithTimeout}); acks/s and the
 *       threads the client started meanwhile.</li>
 * </ol>
 *
 * <p>CPU is this process's CPU time per ack (the server is another process). Run:
 * {@code java -Xmx1g -cp benchmarks-socketio/target/benchmarks-socketio.jar io.noa.realtime.benchmarks.socketio.SocketIoBench [--quick] [--readme benchmarks/README.md] [--node-dir DIR]}.
 */
public final class SocketIoBench {
    /** The issue's targets. */
    static final double P50_VS_RAW = 1.1;
    static final double FASTER_THAN_PEER = 4.0;
    static final double CONCURRENT_VS_PEER = 2.0;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SocketIoBench() {}

    /**
     * How much to run.
     *
     * @param rounds measured rounds
     * @param sequential sequential acks per client and round
     * @param pipelined pipelined acks per client and round
     * @param window pipelined acks in flight at most
     * @param concurrent acks issued at once per client and round
     * @param threads caller threads of the concurrent phase
     * @param warmup sequential and pipelined acks per client before measuring
     */
    record Settings(int rounds, int sequential, int pipelined, int window, int concurrent, int threads, int warmup) {
        static Settings full() {
            return new Settings(5, 5_000, 20_000, 64, 2_000, 4, 5_000);
        }

        static Settings quick() {
            return new Settings(3, 1_000, 5_000, 64, 1_000, 4, 1_000);
        }
    }

    /**
     * What one client measured, one value per round.
     *
     * @param name the client
     * @param p50 sequential round trip p50, µs
     * @param p99 sequential round trip p99, µs
     * @param seqCpu process CPU per sequential ack, µs
     * @param pipelined pipelined acks per second
     * @param pipelinedCpu process CPU per pipelined ack, µs
     * @param concurrent concurrent acks per second
     * @param threadsStarted threads started by the client during the concurrent phase
     * @param answered acknowledgements received in all measured rounds, each with its own seq
     */
    record Result(String name, double[] p50, double[] p99, double[] seqCpu, double[] pipelined,
            double[] pipelinedCpu, double[] concurrent, double[] threadsStarted, long answered) {}

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args {@code --quick}, {@code --readme PATH} (rewrites the README section
     *     {@code socketio}), {@code --node-dir DIR} (where the Node server is installed; default
     *     {@code <tmp>/noa-realtime-sio-bench}), {@code --window N} (pipelined acks in flight),
     *     {@code --rounds R}, {@code --clients id,...} (a profiling run of some of {@code netty},
     *     {@code jdk}, {@code raw}, {@code peer}; prints the rounds only)
     * @throws Exception when a client fails
     */
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path readme = Report.readmeArgument(args);
        Path nodeDir = Path.of(System.getProperty("java.io.tmpdir"), "noa-realtime-sio-bench");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--node-dir")) {
                nodeDir = Path.of(args[i + 1]);
            }
        }
        Settings s = quick ? Settings.quick() : Settings.full();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--window")) {
                s = new Settings(s.rounds(), s.sequential(), s.pipelined(), Integer.parseInt(args[i + 1]),
                        s.concurrent(), s.threads(), s.warmup());
            } else if (args[i].equals("--rounds")) {
                s = new Settings(Integer.parseInt(args[i + 1]), s.sequential(), s.pipelined(), s.window(),
                        s.concurrent(), s.threads(), s.warmup());
            }
        }
        System.out.println("Socket.IO benchmark, " + (quick ? "quick" : "full") + " run: " + s);
        List<String> only = List.of();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--clients")) {
                only = List.of(args[i + 1].split(","));
            }
        }
        List<Result> results = run(s, nodeDir, only, true);
        if (!only.isEmpty()) {
            System.exit(0); // a profiling run: no report without all four clients
        }
        String text = report(results, s, quick);
        System.out.println();
        System.out.println(text);
        if (readme != null) {
            Report.updateReadme(readme, "socketio", text);
            System.out.println("Updated section 'socketio' of " + readme);
        }
        System.exit(0); // the peer's OkHttp leaves non-daemon threads behind
    }

    /**
     * Starts the Node server, connects the four clients, warms them up and measures them.
     *
     * @param s the settings
     * @param nodeDir where the Node server is installed
     * @param only ids of the clients to run ({@code netty}, {@code jdk}, {@code raw}, {@code peer}); empty for all
     * @param verbose print each round
     * @return one result per client: ours (netty, jdk), the raw floor, the Java peer
     * @throws Exception when a client fails
     */
    static List<Result> run(Settings s, Path nodeDir, List<String> only, boolean verbose) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(s.threads(), r -> {
            Thread t = new Thread(r, "bench-caller");
            t.setDaemon(true);
            return t;
        });
        try (NodeBenchServer server = NodeBenchServer.start(nodeDir);
                NettyTransport netty = NettyTransport.create();
                JdkTransport jdk = JdkTransport.create()) {
            List<SioClient> clients = new ArrayList<>();
            if (only.isEmpty() || only.contains("netty")) {
                clients.add(new NoaClient("noa RealtimeClient (netty)", server.uri(), netty));
            }
            if (only.isEmpty() || only.contains("jdk")) {
                clients.add(new NoaClient("noa RealtimeClient (jdk)", server.uri(), jdk));
            }
            if (only.isEmpty() || only.contains("raw")) {
                clients.add(new RawJdkClient(server.uri()));
            }
            if (only.isEmpty() || only.contains("peer")) {
                clients.add(new JavaPeerClient(server.uri()));
            }
            try {
                for (SioClient c : clients) {
                    c.open();
                }
                for (int t = 0; t < s.threads(); t++) {
                    callers.submit(() -> { }).get(); // the caller threads exist before anything is counted
                }
                for (SioClient c : clients) {
                    sequential(c, s.warmup());
                    pipelined(c, s.warmup(), s.window());
                    concurrent(c, Math.min(s.concurrent(), s.warmup()), s.threads(), callers);
                }
                int n = clients.size();
                double[][] p50 = new double[n][s.rounds()];
                double[][] p99 = new double[n][s.rounds()];
                double[][] seqCpu = new double[n][s.rounds()];
                double[][] pipe = new double[n][s.rounds()];
                double[][] pipeCpu = new double[n][s.rounds()];
                double[][] conc = new double[n][s.rounds()];
                double[][] started = new double[n][s.rounds()];
                long[] answered = new long[n];
                for (int r = 0; r < s.rounds(); r++) {
                    for (int k = 0; k < n; k++) {
                        int i = (k + r) % n;
                        long cpu0 = OS.getProcessCpuTime();
                        double[] micros = sequential(clients.get(i), s.sequential());
                        seqCpu[i][r] = (OS.getProcessCpuTime() - cpu0) / 1e3 / s.sequential();
                        p50[i][r] = Report.percentile(micros, 50);
                        p99[i][r] = Report.percentile(micros, 99);
                        answered[i] += micros.length;
                    }
                    for (int k = 0; k < n; k++) {
                        int i = (k + r) % n;
                        long cpu0 = OS.getProcessCpuTime();
                        long nanos = pipelined(clients.get(i), s.pipelined(), s.window());
                        pipeCpu[i][r] = (OS.getProcessCpuTime() - cpu0) / 1e3 / s.pipelined();
                        pipe[i][r] = s.pipelined() * 1e9 / nanos;
                        answered[i] += s.pipelined();
                    }
                    for (int k = 0; k < n; k++) {
                        int i = (k + r) % n;
                        long threads0 = THREADS.getTotalStartedThreadCount();
                        long nanos = concurrent(clients.get(i), s.concurrent(), s.threads(), callers);
                        started[i][r] = THREADS.getTotalStartedThreadCount() - threads0;
                        conc[i][r] = s.concurrent() * 1e9 / nanos;
                        answered[i] += s.concurrent();
                    }
                    if (verbose) {
                        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                        for (int i = 0; i < n; i++) {
                            line.append("\n  ").append(clients.get(i).name()).append(": p50 ")
                                    .append(Report.num(p50[i][r], 0)).append(" µs, pipelined ")
                                    .append(Report.num(pipe[i][r], 0)).append(" acks/s (")
                                    .append(Report.num(pipeCpu[i][r], 1)).append(" µs CPU/ack), concurrent ")
                                    .append(Report.num(conc[i][r], 0)).append(" acks/s");
                        }
                        System.out.println(line);
                    }
                }
                List<Result> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.add(new Result(clients.get(i).name(), p50[i], p99[i], seqCpu[i], pipe[i], pipeCpu[i], conc[i],
                            started[i], answered[i]));
                }
                return out;
            } finally {
                for (SioClient c : clients) {
                    c.close();
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** Sequential acks; the round trip of each in µs. Every answer must carry its own seq. */
    static double[] sequential(SioClient c, int count) throws Exception {
        double[] micros = new double[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            long seq = c.ask(i, false).get(SioClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            micros[i] = (System.nanoTime() - t0) / 1e3;
            check(c, seq, i);
        }
        return micros;
    }

    /** {@code count} acks with at most {@code window} in flight; the nanoseconds until the last answer. */
    static long pipelined(SioClient c, int count, int window) throws Exception {
        Semaphore inFlight = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(SioClient.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException(c.name() + ": no acknowledgement within " + SioClient.WAIT);
            }
            long expected = i;
            c.ask(i, false).whenComplete((seq, e) -> {
                if (e == null && seq != expected) {
                    e = new IllegalStateException(c.name() + ": answer " + seq + " for #" + expected);
                }
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                inFlight.release();
                done.countDown();
            });
        }
        await(c, done, failure);
        return System.nanoTime() - t0;
    }

    /**
     * {@code count} acks with a timeout, issued at once by {@code threads} callers; the nanoseconds
     * from the start until the last answer.
     */
    static long concurrent(SioClient c, int count, int threads, ExecutorService callers) throws Exception {
        CountDownLatch done = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = count * t / threads;
            int to = count * (t + 1) / threads;
            tasks.add(callers.submit(() -> {
                go.await();
                for (int i = from; i < to; i++) {
                    long expected = i;
                    CompletableFuture<Long> answer = c.ask(i, true);
                    answer.whenComplete((seq, e) -> {
                        if (e == null && seq != expected) {
                            e = new IllegalStateException(c.name() + ": answer " + seq + " for #" + expected);
                        }
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                        done.countDown();
                    });
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : tasks) {
            f.get(SioClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        await(c, done, failure);
        return System.nanoTime() - t0;
    }

    private static void check(SioClient c, long seq, long expected) {
        if (seq != expected) {
            throw new IllegalStateException(c.name() + ": answer " + seq + " for #" + expected);
        }
    }

    private static void await(SioClient c, CountDownLatch done, AtomicReference<Throwable> failure) throws Exception {
        if (!done.await(SioClient.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(c.name() + ": " + done.getCount() + " acknowledgements missing after "
                    + SioClient.WAIT);
        }
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException(c.name() + " failed: " + e, e);
        }
    }

    /**
     * The README section: machine, date, command, the three tables, the ratios and the targets.
     *
     * @param results ours (netty, jdk), the raw floor, the Java peer, in that order
     * @param s the settings
     * @param quick whether it was the quick run
     * @return Markdown
     */
    static String report(List<Result> results, Settings s, boolean quick) {
        Result raw = results.get(2);
        Result peer = results.get(3);
        double rawP50 = Report.median(raw.p50());
        double peerP50 = Report.median(peer.p50());
        double rawPipe = Report.median(raw.pipelined());
        double peerPipe = Report.median(peer.pipelined());
        double peerConc = Report.median(peer.concurrent());
        List<List<String>> seq = new ArrayList<>();
        List<List<String>> pipe = new ArrayList<>();
        List<List<String>> conc = new ArrayList<>();
        for (Result r : results) {
            double p50 = Report.median(r.p50());
            seq.add(List.of(r.name(), Report.num(p50, 0), Report.num(Report.median(r.p99()), 0),
                    Report.num(Report.median(r.seqCpu()), 1), Report.num(p50 / rawP50, 2) + "×",
                    Report.num(peerP50 / p50, 2) + "×"));
            double rate = Report.median(r.pipelined());
            pipe.add(List.of(r.name(), Report.num(rate, 0), Report.num(Report.median(r.pipelinedCpu()), 1),
                    Report.num(rate / rawPipe, 2) + "×", Report.num(rate / peerPipe, 2) + "×"));
            double c = Report.median(r.concurrent());
            conc.add(List.of(r.name(), Report.num(c, 0), Report.num(Report.median(r.threadsStarted()), 0),
                    Report.num(c / peerConc, 2) + "×"));
        }
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(Report.machine()).append(". Date: ").append(Report.today()).append(".\n");
        b.append("Command: `java -Xmx1g -cp benchmarks-socketio/target/benchmarks-socketio.jar "
                + "io.noa.realtime.benchmarks.socketio.SocketIoBench").append(quick ? " --quick" : "")
                .append(" --readme benchmarks/README.md`\n\n");
        b.append("One Node socket.io 4.8.4 server (another process); medians of ").append(s.rounds())
                .append(" interleaved rounds after a warm-up of ").append(s.warmup())
                .append(" sequential and pipelined acks per client. Per client and round: ").append(s.sequential())
                .append(" sequential acks, ").append(s.pipelined()).append(" pipelined acks (").append(s.window())
                .append(" in flight), ").append(s.concurrent()).append(" concurrent acks (").append(s.threads())
                .append(" caller threads, all issued at once, each with an ack timeout). CPU: this process's CPU"
                        + " time per ack.\n\n");
        b.append("Sequential acknowledgement round trip (lower is better)\n\n");
        b.append(Report.table(List.of("client", "p50 µs", "p99 µs", "CPU µs/ack", "p50 ÷ raw", "peer p50 ÷ p50"),
                seq));
        b.append("\nPipelined acknowledged emits (higher is better)\n\n");
        b.append(Report.table(List.of("client", "acks/s", "CPU µs/ack", "÷ raw", "÷ peer"), pipe));
        b.append("\nConcurrent acknowledged emits with timeouts (higher is better)\n\n");
        b.append(Report.table(List.of("client", "acks/s", "threads started per round", "÷ peer"), conc));
        b.append("\nTargets (issue 14):\n\n");
        for (Result r : results.subList(0, 2)) {
            double p50 = Report.median(r.p50());
            b.append(target(r.name() + " p50 ≤ " + P50_VS_RAW + "× the raw client", p50 / rawP50, "×",
                    p50 / rawP50 <= P50_VS_RAW));
            b.append(target(r.name() + " ≥ " + FASTER_THAN_PEER + "× faster than the Java peer (peer p50 ÷ p50)",
                    peerP50 / p50, "×", peerP50 / p50 >= FASTER_THAN_PEER));
            double c = Report.median(r.concurrent()) / peerConc;
            b.append(target(r.name() + " concurrent acks/s ≥ " + CONCURRENT_VS_PEER + "× the Java peer", c, "×",
                    c >= CONCURRENT_VS_PEER));
        }
        return b.toString();
    }

    private static String target(String what, double value, String unit, boolean met) {
        return "- " + what + ": " + Report.num(value, 2) + unit + " — " + (met ? "met" : "missed") + "\n";
    }
}
