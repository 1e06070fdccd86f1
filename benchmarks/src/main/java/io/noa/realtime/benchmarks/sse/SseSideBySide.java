package io.noa.realtime.benchmarks.sse;

import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.benchmarks.Report;
import io.noa.realtime.benchmarks.ThreadMeter;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.transport.netty.NettyTransport;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;

/**
 * The SSE side-by-side harness: one local Netty SSE server streams the same
 * {@link OpenAiStream} of 1,000,000 chat chunks to our clients and to the peer libraries, one
 * client at a time, interleaved round-robin over several rounds in one JVM, and reports per client
 * the median events/s, MB/s, client CPU and allocation per event, and the ratio of each of ours to
 * each peer.
 *
 * <pre>
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar io.noa.realtime.benchmarks.sse.SseSideBySide \
 *     [--quick] [--token-stream] [--events N] [--rounds R] [--warmup W] [--clients id,id,...] [--readme benchmarks/README.md]
 * </pre>
 *
 * <p>Client ids: {@code raw}, {@code noa-jdk}, {@code noa-netty}, {@code okhttp-sse}, {@code ld},
 * {@code reactor} (parse-only), {@code noa-jdk-full}, {@code noa-netty-full}, {@code noa-jdk-result},
 * {@code noa-netty-result},
 * {@code okhttp-sse-full}, {@code ld-full}, {@code reactor-full} (full pipeline). Every client
 * checks its event count (and the full ones their accumulated text); a client that fails is
 * reported as an error, never as a figure, and makes the run fail after the report.
 */
public final class SseSideBySide {
    private static final String MAIN = "io.noa.realtime.benchmarks.sse.SseSideBySide";

    private SseSideBySide() {}

    /**
     * Runs the harness.
     *
     * @param args {@code [--quick] [--token-stream] [--events N] [--rounds R] [--warmup W] [--clients ids] [--readme PATH]}
     * @throws Exception if the server cannot start, the README cannot be written, or a client failed
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Outcome outcome = run(settings, System.out);
        String section = outcome.markdown(command(args));
        System.out.println();
        System.out.print(section);
        Path readme = Report.readmeArgument(args);
        if (readme != null) {
            String name = settings.tokenStream() ? "sse-token" : "sse";
            if (System.getProperty("jdk.httpclient.bufsize") != null) {
                name += "-bufsize"; // the JDK HttpClient's read size changed: its own section
            }
            Report.updateReadme(readme, name, section);
            System.out.println("Updated section '" + name + "' of " + readme);
        }
        if (!outcome.errors.isEmpty()) {
            throw new IllegalStateException("Clients failed: " + outcome.errors);
        }
    }

    /** What to run. */
    record Settings(int events, int rounds, int warmups, Set<String> only, boolean tokenStream) {
        Settings(int events, int rounds, int warmups, Set<String> only) {
            this(events, rounds, warmups, only, false);
        }

        static Settings parse(String[] args) {
            int events = -1;
            int rounds = 5;
            int warmups = 1;
            boolean quick = false;
            boolean tokenStream = false;
            Set<String> only = Set.of();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick":
                        quick = true;
                        rounds = 3;
                        break;
                    case "--token-stream":
                        tokenStream = true;
                        break;
                    case "--events":
                        events = Integer.parseInt(value(args, ++i));
                        break;
                    case "--rounds":
                        rounds = Integer.parseInt(value(args, ++i));
                        break;
                    case "--warmup":
                        warmups = Integer.parseInt(value(args, ++i));
                        break;
                    case "--clients":
                        only = Set.of(value(args, ++i).split(","));
                        break;
                    case "--readme":
                        value(args, ++i);
                        break;
                    default:
                        throw new IllegalArgumentException("Unknown argument " + args[i] + "; use [--quick] [--token-stream]"
                                + " [--events N] [--rounds R] [--warmup W] [--clients id,...] [--readme PATH]");
                }
            }
            if (events == -1) {
                // a flush per event costs every client a read per event or few: fewer events
                events = tokenStream ? (quick ? 50_000 : 200_000) : (quick ? 200_000 : 1_000_000);
            }
            if (events < 2 || rounds < 1 || warmups < 0) {
                throw new IllegalArgumentException("--events must be at least 2, --rounds at least 1, --warmup at least 0");
            }
            return new Settings(events, rounds, warmups, only, tokenStream);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }
    }

    /** One measured read of the whole stream by one client. */
    record Sample(double eventsPerSecond, double megabytesPerSecond, double cpuMicrosPerEvent, double bytesPerEvent) {}

    /** Everything a run measured. */
    static final class Outcome {
        final Settings settings;
        final Expected expected;
        final double streamBytesPerEvent;
        final List<BenchClient> clients = new ArrayList<>();
        final Map<String, List<Sample>> samples = new LinkedHashMap<>();
        final Map<String, String> errors = new LinkedHashMap<>();

        Outcome(Settings settings, Expected expected, double streamBytesPerEvent) {
            this.settings = settings;
            this.expected = expected;
            this.streamBytesPerEvent = streamBytesPerEvent;
        }

        double median(BenchClient c, ToDoubleFunction<Sample> f) {
            List<Sample> s = samples.get(c.id);
            return Report.median(s.stream().mapToDouble(f).toArray());
        }

        boolean measured(BenchClient c) {
            return !errors.containsKey(c.id) && !samples.get(c.id).isEmpty();
        }

        String markdown(String command) {
            StringBuilder out = new StringBuilder();
            out.append("Machine: ").append(Report.machine()).append(". Date: ").append(Report.today())
                    .append(". Command: `").append(command).append("`\n\n");
            out.append(Report.num(expected.chunks(), 0)).append(" chat chunks + `[DONE]` per read (")
                    .append(Report.num(expected.bytes() / 1e6, 1)).append(" MB, ")
                    .append(Report.num(streamBytesPerEvent, 1)).append(" B/event) from one local Netty server")
                    .append(settings.tokenStream()
                            ? " in the **token-stream mode** (every event its own HTTP chunk, flushed at once); "
                            : " (whole events in ~69 KB HTTP chunks); ")
                    .append(settings.rounds).append(" measured round(s) after ").append(settings.warmups)
                    .append(" warm-up round(s), clients interleaved round-robin; medians over rounds. CPU and")
                    .append(" allocation are those of every thread but the server's, per SSE event.\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (BenchClient c : clients) {
                if (errors.containsKey(c.id)) {
                    rows.add(List.of(c.name, c.kind.label, "error", "", "", "", errors.get(c.id)));
                    continue;
                }
                List<Sample> s = samples.get(c.id);
                double[] rates = s.stream().mapToDouble(Sample::eventsPerSecond).toArray();
                rows.add(List.of(c.name, c.kind.label,
                        Report.num(median(c, Sample::eventsPerSecond), 0),
                        Report.num(median(c, Sample::megabytesPerSecond), 1),
                        Report.num(median(c, Sample::cpuMicrosPerEvent), 2),
                        Report.num(median(c, Sample::bytesPerEvent), 0),
                        Report.num(Arrays.stream(rates).min().orElse(0), 0) + " – "
                                + Report.num(Arrays.stream(rates).max().orElse(0), 0)));
            }
            out.append(Report.table(List.of("client", "kind", "events/s", "MB/s", "CPU µs/event", "B/event",
                    "events/s min – max"), rows));
            out.append('\n');
            ratioTable(out, BenchClient.Kind.PARSE, "parse-only");
            ratioTable(out, BenchClient.Kind.FULL, "full pipeline");
            cpuTable(out, BenchClient.Kind.PARSE, "parse-only");
            cpuTable(out, BenchClient.Kind.FULL, "full pipeline");
            targets(out);
            return out.toString();
        }

        private List<BenchClient> of(BenchClient.Kind kind, boolean ours) {
            return clients.stream().filter(c -> c.kind == kind && c.ours == ours && measured(c))
                    .collect(Collectors.toList());
        }

        private double rate(BenchClient c) {
            return median(c, Sample::eventsPerSecond);
        }

        private void ratioTable(StringBuilder out, BenchClient.Kind kind, String title) {
            List<BenchClient> peers = new ArrayList<>(of(kind, false));
            peers.addAll(of(BenchClient.Kind.BOUND, false));
            ratios(out, of(kind, true), peers, title + ": ours ÷ peer (events/s)", this::rate);
        }

        /** One row per client of ours, one column per peer: {@code measure(ours) / measure(peer)}. */
        private void ratios(StringBuilder out, List<BenchClient> ours, List<BenchClient> peers, String title,
                ToDoubleFunction<BenchClient> measure) {
            if (ours.isEmpty() || peers.isEmpty()) {
                return;
            }
            List<String> header = new ArrayList<>();
            header.add(title);
            for (BenchClient p : peers) {
                header.add("÷ " + p.name);
            }
            List<List<String>> rows = new ArrayList<>();
            for (BenchClient o : ours) {
                List<String> row = new ArrayList<>();
                row.add(o.name);
                for (BenchClient p : peers) {
                    row.add(Report.num(measure.applyAsDouble(o) / measure.applyAsDouble(p), 2) + "×");
                }
                rows.add(row);
            }
            out.append(Report.table(header, rows)).append('\n');
        }

        private double cpu(BenchClient c) {
            return median(c, Sample::cpuMicrosPerEvent);
        }

        private BenchClient peer(BenchClient.Kind kind, String id) {
            return of(kind, false).stream().filter(p -> p.id.equals(id)).findFirst().orElse(null);
        }

        /** Client CPU per event: ours ÷ the peers' (lower is better), the token-stream mode's measure. */
        private void cpuTable(StringBuilder out, BenchClient.Kind kind, String title) {
            ratios(out, of(kind, true), of(kind, false), title + ": ours ÷ peer (CPU µs/event, lower is better)",
                    this::cpu);
        }

        /** The targets of issue 16, each printed as met or missed. */
        private void targets(StringBuilder out) {
            List<String> lines = new ArrayList<>();
            BenchClient reactorFull = peer(BenchClient.Kind.FULL, "reactor-full");
            BenchClient okFull = peer(BenchClient.Kind.FULL, "okhttp-sse-full");
            BenchClient okParse = peer(BenchClient.Kind.PARSE, "okhttp-sse");
            for (BenchClient o : of(BenchClient.Kind.FULL, true)) {
                boolean netty = o.id.contains("netty");
                if (reactorFull != null) {
                    target(lines, "full pipeline ≥ " + (netty ? "1.5× " : "1.2× ") + reactorFull.name, o,
                            rate(o) / rate(reactorFull), netty ? 1.5 : 1.2, "×", true);
                }
                if (netty && okFull != null) {
                    target(lines, "full pipeline ≥ 2× " + okFull.name, o, rate(o) / rate(okFull), 2, "×", true);
                }
            }
            for (BenchClient o : of(BenchClient.Kind.PARSE, true)) {
                if (o.id.contains("jdk") && okParse != null) {
                    target(lines, "parse-only ≥ 1.6× " + okParse.name, o, rate(o) / rate(okParse), 1.6, "×", true);
                }
            }
            // a data String of the stream's average event: 24 B object + 16 B array header + the
            // Latin-1 bytes, rounded up to 8 (the event is "data: " + JSON + "\n\n")
            double dataString = 24 + Math.ceil((16 + streamBytesPerEvent - 8) / 8) * 8;
            for (BenchClient o : clients) {
                if (!o.ours || !measured(o) || o.kind == BenchClient.Kind.BOUND) {
                    continue;
                }
                double limit = o.kind == BenchClient.Kind.PARSE ? dataString + 48 : 400;
                String what = o.kind == BenchClient.Kind.PARSE
                        ? "allocation ≤ the data String + 48 B (" + Report.num(limit, 0) + " B/event) parse-only"
                        : "allocation ≤ 400 B/event full";
                target(lines, what, o, median(o, Sample::bytesPerEvent), limit, " B/event", false);
            }
            if (settings.tokenStream()) {
                for (BenchClient.Kind kind : List.of(BenchClient.Kind.PARSE, BenchClient.Kind.FULL)) {
                    BenchClient best = of(kind, false).stream().min((a, b) -> Double.compare(cpu(a), cpu(b)))
                            .orElse(null);
                    if (best == null) {
                        continue;
                    }
                    for (BenchClient o : of(kind, true)) {
                        target(lines, "token stream: CPU per event ≤ 0.6× the best peer's (" + best.name + ", "
                                + Report.num(cpu(best), 2) + " µs)", o, cpu(o) / cpu(best), 0.6, "×", false);
                    }
                }
            }
            if (!lines.isEmpty()) {
                out.append("Targets (issue 16):\n\n");
                for (String l : lines) {
                    out.append("- ").append(l).append('\n');
                }
            }
        }

        private static void target(List<String> lines, String what, BenchClient o, double value, double limit,
                String unit, boolean atLeast) {
            boolean met = atLeast ? value >= limit : value <= limit;
            lines.add(what + ": " + o.name + " " + Report.num(value, unit.equals("×") ? 2 : 0) + unit + " — "
                    + (met ? "met" : "missed"));
        }
    }

    /**
     * Starts the server and the clients, runs the rounds and collects the samples.
     *
     * @param settings what to run
     * @param log where progress lines go
     * @return the samples and errors per client
     * @throws Exception if the server cannot start
     */
    static Outcome run(Settings settings, PrintStream log) throws Exception {
        OpenAiStream stream = OpenAiStream.of(settings.events());
        Expected expected = Expected.of(stream);
        Outcome outcome = new Outcome(settings, expected, stream.bytesPerEvent());
        ThreadMeter meter = new ThreadMeter(name -> !name.startsWith(SseBenchServer.THREAD_PREFIX));
        try (SseBenchServer server = new SseBenchServer(stream, settings.tokenStream())) {
            URI uri = server.uri();
            JdkTransport jdk = JdkTransport.create();
            NettyTransport netty = NettyTransport.create();
            OkHttpClient okhttp = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(1)).build();
            OkHttpClient ldOkhttp = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(1)).build();
            HttpClient reactor = HttpClient.create();
            List<BenchClient> all = List.of(
                    new RawSocketClient(uri),
                    new NoaParseClient("jdk", uri, jdk),
                    new NoaParseClient("netty", uri, netty),
                    new OkHttpSseClient(uri, okhttp, false),
                    new LaunchDarklyClient(uri, ldOkhttp, false),
                    new ReactorNettyClient(uri, reactor, false),
                    new NoaFullClient("jdk", uri, jdk),
                    new NoaFullClient("netty", uri, netty),
                    new NoaFullClient("jdk", uri, jdk, false),
                    new NoaFullClient("netty", uri, netty, false),
                    new OkHttpSseClient(uri, okhttp, true),
                    new LaunchDarklyClient(uri, ldOkhttp, true),
                    new ReactorNettyClient(uri, reactor, true));
            for (BenchClient c : all) {
                if (settings.only().isEmpty() || settings.only().contains(c.id)) {
                    outcome.clients.add(c);
                    outcome.samples.put(c.id, new ArrayList<>());
                }
            }
            if (outcome.clients.isEmpty()) {
                throw new IllegalArgumentException("--clients matched none of "
                        + all.stream().map(c -> c.id).collect(Collectors.toList()));
            }
            log.printf(Locale.ROOT, "Server %s: %,d events, %,.1f MB in %d HTTP chunks; %d client(s), %d warm-up + %d"
                            + " rounds%n", uri, expected.chunks(), expected.bytes() / 1e6, server.chunkCount(),
                    outcome.clients.size(), settings.warmups(), settings.rounds());
            try {
                rounds(settings, outcome, meter, log);
            } finally {
                for (BenchClient c : all) {
                    c.close();
                }
                jdk.close();
                netty.close();
                for (OkHttpClient ok : List.of(okhttp, ldOkhttp)) {
                    ok.dispatcher().executorService().shutdown();
                    ok.connectionPool().evictAll();
                }
                HttpResources.disposeLoopsAndConnections();
            }
        }
        return outcome;
    }

    private static void rounds(Settings settings, Outcome outcome, ThreadMeter meter, PrintStream log) {
        List<BenchClient> clients = outcome.clients;
        Expected expected = outcome.expected;
        int total = settings.warmups() + settings.rounds();
        for (int round = 0; round < total; round++) {
            boolean warmup = round < settings.warmups();
            for (int k = 0; k < clients.size(); k++) {
                BenchClient c = clients.get((k + round) % clients.size());
                if (outcome.errors.containsKey(c.id)) {
                    continue;
                }
                System.gc();
                meter.start();
                long t0 = System.nanoTime();
                try {
                    c.run(expected);
                } catch (Exception | AssertionError e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null
                            ? e.getCause() : e;
                    outcome.errors.put(c.id, cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    log.printf(Locale.ROOT, "%s %-30s ERROR %s%n", warmup ? "warm-up " : "round " + (round - settings.warmups() + 1),
                            c.name, outcome.errors.get(c.id));
                    continue;
                }
                long t1 = System.nanoTime();
                meter.stop();
                double seconds = (t1 - t0) / 1e9;
                double events = expected.sseEvents();
                Sample s = new Sample(events / seconds, expected.bytes() / seconds / 1e6,
                        meter.cpuNanos() / 1e3 / events, meter.allocatedBytes() / events);
                if (!warmup) {
                    outcome.samples.get(c.id).add(s);
                }
                log.printf(Locale.ROOT, "%-8s %-30s %,12.0f events/s %8.1f MB/s %7.2f µs/event %7.0f B/event%n",
                        warmup ? "warm-up" : "round " + (round - settings.warmups() + 1), c.name, s.eventsPerSecond(),
                        s.megabytesPerSecond(), s.cpuMicrosPerEvent(), s.bytesPerEvent());
            }
        }
    }

    private static String command(String[] args) {
        List<String> parts = new ArrayList<>();
        parts.add("java");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-X") || a.startsWith("-Djdk.httpclient.")) {
                parts.add(a);
            }
        }
        parts.add("-cp benchmarks/target/benchmarks.jar");
        parts.add(MAIN);
        parts.addAll(Arrays.asList(args));
        return String.join(" ", parts);
    }
}
