package io.noa.realtime.benchmarks.jmh;

import io.noa.realtime.benchmarks.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this package with the GC profiler and prints one Markdown table: time
 * and allocation per event. Options: {@code --quick} (smoke: short iterations, compact shape and
 * 8 KiB slices only), {@code --filter REGEX} (benchmarks to run, default all of this package),
 * {@code --readme PATH} (also rewrite the {@code jmh} section of that README).
 */
public final class JmhReport {
    private static final String SECTION = "jmh";
    private static final String PACKAGE = JmhReport.class.getPackageName();
    private static final String[] HEAP = {"-Xms1g", "-Xmx1g"};

    private JmhReport() {}

    /**
     * Runs the benchmarks.
     *
     * @param args {@code [--quick] [--filter REGEX] [--readme PATH]}
     * @throws RunnerException if JMH fails
     * @throws IOException if the README cannot be written
     */
    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = false;
        String filter = PACKAGE.replace(".", "\\.") + "\\..*Benchmark";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--filter") && i + 1 < args.length) {
                filter = args[++i];
            }
        }
        Path readme = Report.readmeArgument(args);

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(filter)
                .addProfiler(GCProfiler.class)
                .forks(1)
                .jvmArgsAppend(HEAP)
                .shouldFailOnError(true);
        String settings;
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1))
                    .param("shape", "COMPACT").param("slice", "8192");
            settings = "1 fork, 1 × 1 s warm-up, 2 × 1 s measurement";
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
            settings = "1 fork, 3 × 2 s warm-up, 5 × 2 s measurement";
        }
        settings += ", forked JVM " + String.join(" ", HEAP);
        Collection<RunResult> results = new Runner(options.build()).run();

        String table = table(results) + ratios(results);
        System.out.println();
        System.out.println(table);
        if (readme != null) {
            String command = "java -cp benchmarks/target/benchmarks.jar " + JmhReport.class.getName()
                    + (args.length == 0 ? "" : " " + String.join(" ", args));
            String content = "Measured on " + Report.machine() + ", " + Report.today() + ", with `" + command + "`"
                    + (quick ? " (quick mode: indicative only)" : "") + "; JMH " + settings
                    + ". Per event: time (average ± 99.9% error), throughput and bytes allocated"
                    + " (`-prof gc` `gc.alloc.rate.norm`).\n\n" + table;
            Report.updateReadme(readme, SECTION, content);
            System.out.println("wrote section '" + SECTION + "' of " + readme);
        }
    }

    static String table(Collection<RunResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams params = r.getParams();
            String name = params.getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String p = params.getParamsKeys().stream()
                    .map(k -> k + "=" + params.getParam(k))
                    .collect(Collectors.joining(", "));
            Result<?> time = r.getPrimaryResult();
            // scores are per event already: every benchmark declares its events per call with
            // @OperationsPerInvocation, and JMH divides time and gc.alloc.rate.norm by it
            double ns = time.getScore();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(List.of(
                    name,
                    p.isEmpty() ? "-" : p,
                    Report.num(ns, 1) + " ± " + error(time),
                    Report.num(1e9 / ns, 0),
                    alloc == null ? "n/a" : Report.num(alloc.getScore(), 1) + " ± " + error(alloc)));
        }
        return Report.table(List.of("benchmark", "params", "ns/event", "events/s", "B/event"), rows);
    }

    /** Our paths against the hand-rolled baselines: throughput ratio and allocation ratio. */
    static String ratios(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder();
        ratio(out, results, "PipelineBenchmark.noaFull", "", "PipelineBenchmark.readLineJackson", "",
                "full pipeline (parse, decode, accumulate) vs readLine + Jackson readTree");
        ratio(out, results, "PipelineBenchmark.noaChat", "", "PipelineBenchmark.readLineJackson", "",
                "StreamingChat.send(...).result() over the memory transport vs readLine + Jackson readTree");
        ratio(out, results, "PipelineBenchmark.noaChat", "", "PipelineBenchmark.readLineStrip", "",
                "StreamingChat.send(...).result() over the memory transport vs readLine + strip (no JSON at all)");
        ratio(out, results, "SseParserBenchmark.parse", "input=ARRAY, shape=COMPACT, slice=8192",
                "PipelineBenchmark.readLineStrip", "", "SseParser (8 KiB arrays, compact) vs readLine + strip");
        ratio(out, results, "ChunkDecoderBenchmark.decode", "shape=COMPACT", "ChunkDecoderBenchmark.jacksonTree",
                "shape=COMPACT", "ChunkDecoder (compact) vs Jackson readTree");
        ratio(out, results, "ChunkDecoderBenchmark.decode", "shape=COMPACT", "ChunkDecoderBenchmark.jacksonTokens",
                "shape=COMPACT", "ChunkDecoder (compact) vs Jackson's bare token walk (the floor of any Jackson decoder)");
        ratio(out, results, "ChunkDecoderBenchmark.decodeBytes", "shape=COMPACT", "ChunkDecoderBenchmark.jacksonTree",
                "shape=COMPACT", "ChunkDecoder byte path (compact, the chat stream's path) vs Jackson readTree");
        ratio(out, results, "ChunkDecoderBenchmark.decodeBytes", "shape=COMPACT", "ChunkDecoderBenchmark.jacksonTokens",
                "shape=COMPACT", "ChunkDecoder byte path (compact) vs Jackson's bare token walk over a String");
        ratio(out, results, "ChunkDecoderBenchmark.decodeBytes", "shape=COMPACT",
                "ChunkDecoderBenchmark.jacksonBytesTokens", "shape=COMPACT",
                "ChunkDecoder byte path (compact, reused byte-feeder parser) vs a new Jackson parser per event over the"
                        + " bytes, bare token walk");
        return out.length() == 0 ? "" : "\n" + out;
    }

    private static void ratio(StringBuilder out, Collection<RunResult> results, String ours, String params,
            String baseline, String baselineParams, String label) {
        RunResult a = find(results, ours, params);
        RunResult b = find(results, baseline, baselineParams);
        if (a == null || b == null) {
            return;
        }
        double speed = b.getPrimaryResult().getScore() / a.getPrimaryResult().getScore();
        Result<?> allocA = a.getSecondaryResults().get("gc.alloc.rate.norm");
        Result<?> allocB = b.getSecondaryResults().get("gc.alloc.rate.norm");
        out.append("- ").append(label).append(": ").append(Report.num(speed, 2)).append("× the events/s");
        if (allocA != null && allocB != null && allocA.getScore() > 0) {
            out.append(", ").append(Report.num(allocA.getScore() / allocB.getScore(), 2))
                    .append("× the bytes per event");
        }
        out.append('\n');
    }

    private static RunResult find(Collection<RunResult> results, String name, String params) {
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String key = p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k))
                    .collect(Collectors.joining(", "));
            if (p.getBenchmark().endsWith("." + name) && (params.isEmpty() || key.equals(params))) {
                return r;
            }
        }
        return null;
    }

    private static String error(Result<?> result) {
        double e = result.getScoreError();
        return Double.isNaN(e) ? "n/a" : Report.num(e, 1);
    }
}
