package io.noa.realtime.testkit;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The command line of the servers' {@code main} methods: {@code --flag value} options, {@code --help},
 * and an error that names an unknown flag and suggests the closest one. Package-private: the
 * public surface is each server's {@code main}.
 */
final class CommandLine {
    /** One option; {@code valueName} is null for a switch without a value. */
    static final class Option {
        final String flag;
        final String valueName;
        final String help;
        final boolean repeatable;

        Option(String flag, String valueName, String help, boolean repeatable) {
            this.flag = flag;
            this.valueName = valueName;
            this.help = help;
            this.repeatable = repeatable;
        }

        static Option value(String flag, String valueName, String help) {
            return new Option(flag, valueName, help, false);
        }

        static Option repeated(String flag, String valueName, String help) {
            return new Option(flag, valueName, help, true);
        }
    }

    /** What was typed: each flag's values in order. */
    static final class Values {
        private final Map<String, List<String>> values;

        Values(Map<String, List<String>> values) {
            this.values = values;
        }

        String get(String flag, String otherwise) {
            List<String> v = values.get(flag);
            return v == null || v.isEmpty() ? otherwise : v.get(v.size() - 1);
        }

        List<String> all(String flag) {
            return values.getOrDefault(flag, List.of());
        }

        int intValue(String flag, int otherwise, int min, int max) {
            String v = get(flag, null);
            if (v == null) {
                return otherwise;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", was " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, was '" + v + "'", e);
            }
        }
    }

    /** The outcome of {@link #start}: a running server, or an exit status after help or an error. */
    static final class Outcome {
        final int status;
        final AutoCloseable server;

        Outcome(int status, AutoCloseable server) {
            this.status = status;
            this.server = server;
        }
    }

    private final String name;
    private final String summary;
    private final List<Option> options;

    CommandLine(String name, String summary, List<Option> options) {
        this.name = Objects.requireNonNull(name, "name");
        this.summary = Objects.requireNonNull(summary, "summary");
        List<Option> all = new ArrayList<>(options);
        all.add(new Option("--help", null, "this text", false));
        this.options = List.copyOf(all);
    }

    /** The usage text, with the exec line that runs this server from a clone of the repository. */
    String usage() {
        StringBuilder sb = new StringBuilder("usage: ").append(name);
        for (Option o : options) {
            sb.append(" [").append(o.flag).append(o.valueName == null ? "" : " " + o.valueName).append(']');
        }
        sb.append("\n\n").append(summary).append("\n\n");
        for (Option o : options) {
            String left = o.flag + (o.valueName == null ? "" : " " + o.valueName);
            sb.append(String.format(Locale.ROOT, "  %-24s %s%n", left, o.help));
        }
        sb.append("\nFrom a clone of the repository:\n  mvn -B -ntp -q -pl testkit -am -DskipTests install\n")
                .append("  mvn -B -ntp -q -pl testkit exec:java -Dexec.mainClass=io.noa.realtime.testkit.").append(name)
                .append(" -Dexec.args=\"--port 8080\"");
        return sb.toString();
    }

    /**
     * Parses {@code args} and starts the server, printing its address; prints the usage for
     * {@code --help} (status 0) and an error plus the usage for bad arguments (status 2).
     */
    Outcome start(String[] args, PrintStream out, BiFunction<Values, PrintStream, AutoCloseable> starter) {
        Values values;
        try {
            values = parse(args);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println(usage());
            return new Outcome(2, null);
        }
        if (!values.all("--help").isEmpty()) {
            out.println(usage());
            return new Outcome(0, null);
        }
        try {
            return new Outcome(0, starter.apply(values, out));
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println(usage());
            return new Outcome(2, null);
        }
    }

    /**
     * Runs {@link #start} for a {@code main}: the server runs until the process is killed; help and
     * errors exit with their status. Java-WebSocket's SLF4J diagnostics ("No SLF4J providers")
     * are quietened for this process unless the user set {@code slf4j.internal.verbosity}.
     */
    void main(String[] args, BiFunction<Values, PrintStream, AutoCloseable> starter) throws InterruptedException {
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        Outcome outcome = start(args, System.out, starter);
        if (outcome.server == null) {
            System.out.flush();
            System.exit(outcome.status);
            return;
        }
        AutoCloseable server = outcome.server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // the process is ending anyway
            }
        }, name + "-shutdown"));
        Thread.currentThread().join();
    }

    Values parse(String[] args) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            Option option = find(a);
            if (option == null) {
                throw new IllegalArgumentException(unknown(a, i));
            }
            List<String> list = values.computeIfAbsent(option.flag, k -> new ArrayList<>());
            if (option.valueName == null) {
                list.add("true");
                continue;
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException(option.flag + " needs a value (" + option.valueName + ")");
            }
            if (!list.isEmpty() && !option.repeatable) {
                throw new IllegalArgumentException(option.flag + " given twice");
            }
            list.add(args[++i]);
        }
        return new Values(values);
    }

    private Option find(String arg) {
        for (Option o : options) {
            if (o.flag.equals(arg) || (o.flag.equals("--help") && arg.equals("-h"))) {
                return o;
            }
        }
        return null;
    }

    private String unknown(String arg, int index) {
        if (!arg.matches("--?[a-zA-Z][a-zA-Z-]{0,23}")) {
            return "unknown argument #" + (index + 1) + (arg.startsWith("-") ? "" : " (not a flag; a value follows its flag)");
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String typed = (arg.startsWith("--") ? arg : "-" + arg).toLowerCase(Locale.ROOT);
        for (Option o : options) {
            int d = distance(typed, o.flag);
            if (d < bestDistance) {
                bestDistance = d;
                best = o.flag;
            }
        }
        String message = "unknown argument '" + arg + "'";
        return bestDistance <= Math.max(2, best.length() / 4) ? message + ", did you mean '" + best + "'?" : message;
    }

    /** Optimal string alignment distance (insert, delete, substitute, swap neighbours). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
