package io.noa.realtime.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every harness needs to report: the machine line, medians and percentiles, a Markdown table,
 * and the regeneration of its own section of {@code benchmarks/README.md}.
 *
 * <p>A section is the text between {@code <!-- BEGIN name -->} and {@code <!-- END name -->}; the
 * harness replaces it whole, so the README's tables are always what a harness printed.
 */
public final class Report {

    private Report() {}

    /**
     * One line naming the machine and the JVM, e.g. {@code "AMD EPYC 7B13, 2 cores, Linux 6.1 amd64, Java 17.0.15 (OpenJDK 64-Bit Server VM)"}.
     *
     * @return the machine line
     */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep "unknown CPU"
        }
        return cpu
                + ", "
                + Runtime.getRuntime().availableProcessors()
                + " cores, "
                + System.getProperty("os.name")
                + " "
                + System.getProperty("os.version")
                + " "
                + System.getProperty("os.arch")
                + ", Java "
                + System.getProperty("java.version")
                + " ("
                + System.getProperty("java.vm.name")
                + ", "
                + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-Xm"))
                        .reduce((a, b) -> a + " " + b)
                        .orElse("default heap")
                + ")";
    }

    /**
     * Today's date in UTC, ISO format.
     *
     * @return e.g. {@code 2026-11-24}
     */
    public static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    /**
     * The median of the values (the mean of the two middle ones for an even count).
     *
     * @param values at least one value; not modified
     * @return the median
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The nearest-rank percentile of the values.
     *
     * @param values at least one value; not modified
     * @param percentile between 0 (exclusive) and 100 (inclusive), e.g. 99
     * @return the smallest value with at least {@code percentile}% of the values at or below it
     */
    public static double percentile(double[] values, double percentile) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /**
     * Formats a number with a fixed count of decimals and thousands separators ({@code 1,234.5}).
     *
     * @param value the number
     * @param decimals digits after the point
     * @return the text
     */
    public static String num(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /**
     * A Markdown table.
     *
     * @param header the column titles
     * @param rows the rows, each as long as the header
     * @return the table, one line per row, ending with a line break
     */
    public static String table(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            rule.add(i == 0 ? "---" : "---:");
        }
        out.append("|").append(String.join("|", rule)).append("|\n");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(
                        "row has " + row.size() + " cells, header " + header.size() + ": " + row);
            }
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    /**
     * Replaces the text between {@code <!-- BEGIN section -->} and {@code <!-- END section -->} in a
     * README with {@code content}.
     *
     * @param readme the README to rewrite
     * @param section the section's name
     * @param content the new text of the section (Markdown)
     * @throws IOException if the README cannot be read or written
     * @throws IllegalStateException if the README has no such section
     */
    public static void updateReadme(Path readme, String section, String content) throws IOException {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String begin = "<!-- BEGIN " + section + " -->";
        String end = "<!-- END " + section + " -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(
                    readme + " has no section '" + section + "': add the lines " + begin + " and " + end);
        }
        String body = content.endsWith("\n") ? content : content + "\n";
        String updated = text.substring(0, from + begin.length()) + "\n" + body + text.substring(to);
        Files.writeString(readme, updated, StandardCharsets.UTF_8);
    }

    /**
     * Finds {@code --readme PATH} among the arguments.
     *
     * @param args a harness's arguments
     * @return the README to rewrite, or {@code null} when the harness should only print
     */
    public static Path readmeArgument(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--readme")) {
                return Path.of(args[i + 1]);
            }
        }
        return null;
    }
}
