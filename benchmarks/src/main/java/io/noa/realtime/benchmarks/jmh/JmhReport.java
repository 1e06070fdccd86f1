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
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1))
                    .param("shape", "COMPACT").param("slice", "8192");
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        String table = table(results);
        System.out.println();
        System.out.println(table);
        if (readme != null) {
            String command = "java -cp benchmarks/target/benchmarks.jar " + JmhReport.class.getName()
                    + (args.length == 0 ? "" : " " + String.join(" ", args));
            String content = "Measured on " + Report.machine() + ", " + Report.today() + ", with `" + command + "`"
                    + (quick ? " (quick mode: indicative only)" : "")
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

    private static String error(Result<?> result) {
        double e = result.getScoreError();
        return Double.isNaN(e) ? "n/a" : Report.num(e, 1);
    }
}
