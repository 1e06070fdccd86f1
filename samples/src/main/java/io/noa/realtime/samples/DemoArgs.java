package io.noa.realtime.samples;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The demo's command line: parsed once, never holding anything but what the user typed. */
final class DemoArgs {
    static final String USAGE = String.join("\n",
            "usage: Demo [--transport jdk|netty] [--dialect NAME] [--url URL --api-key KEY --model MODEL] [--interactive]",
            "            [--help]",
            "",
            "Streams an assistant answer token by token, then two users (alice, bob) meet in a room:",
            "presence, typing indicator, messages with acknowledgements, and the answer broadcast.",
            "",
            "  --transport jdk|netty  the transport (default: the best one found by Transports.load())",
            "  --dialect NAME         the chat API: openai-chat (default), anthropic-messages or openai-responses;",
            "                         the embedded mock speaks it too",
            "  --url URL              a chat endpoint of that dialect instead of the embedded mock (e.g.",
            "                         https://api.openai.com/v1/chat/completions, https://api.anthropic.com/v1/messages;",
            "                         the room part always uses the embedded RoomServer)",
            "  --api-key KEY          API key for --url (default: the OPENAI_API_KEY environment variable, or",
            "                         ANTHROPIC_API_KEY for anthropic-messages)",
            "  --model MODEL          model for --url (default: gpt-4o-mini, or claude-sonnet-4-5 for anthropic-messages)",
            "  --interactive          read prompts from stdin, one answer per line; an empty line or EOF ends",
            "  --help                 this text",
            "",
            "Run it from a fresh clone: mvn -B -ntp -q -pl samples -am -DskipTests package exec:java",
            "with flags:                mvn ... exec:java -Dexec.args=\"--transport jdk\"");

    /** Every flag, for the suggestion after a typo. */
    static final List<String> FLAGS = List.of("--transport", "--dialect", "--url", "--api-key", "--model", "--interactive",
            "--help");
    /** What a mistyped flag looks like: echoed back. Anything else (digits, long) might be a secret: not echoed. */
    private static final Pattern FLAG_LIKE = Pattern.compile("--?[a-zA-Z][a-zA-Z-]{0,23}");

    final Optional<String> transport;
    /** The chat dialect's name, as {@link io.noa.realtime.chat.Dialect#named} reads it. */
    final String dialect;
    final Optional<URI> url;
    final Optional<String> apiKey;
    final Optional<String> model;
    final boolean interactive;
    final boolean help;

    private DemoArgs(Optional<String> transport, String dialect, Optional<URI> url, Optional<String> apiKey,
            Optional<String> model, boolean interactive, boolean help) {
        this.transport = transport;
        this.dialect = dialect;
        this.url = url;
        this.apiKey = apiKey;
        this.model = model;
        this.interactive = interactive;
        this.help = help;
    }

    /**
     * Parses the flags.
     *
     * @throws IllegalArgumentException naming the bad flag (the message never repeats a value)
     */
    static DemoArgs parse(String[] args) {
        Optional<String> transport = Optional.empty();
        String dialect = "openai-chat";
        Optional<URI> url = Optional.empty();
        Optional<String> apiKey = Optional.empty();
        Optional<String> model = Optional.empty();
        boolean interactive = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help":
                case "-h":
                    help = true;
                    break;
                case "--interactive":
                    interactive = true;
                    break;
                case "--transport":
                    String t = value(args, ++i, a);
                    if (!t.equals("jdk") && !t.equals("netty")) {
                        throw new IllegalArgumentException("--transport must be jdk or netty");
                    }
                    transport = Optional.of(t);
                    break;
                case "--dialect":
                    try {
                        dialect = io.noa.realtime.chat.Dialect.named(value(args, ++i, a)).name();
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--dialect must be openai-chat, anthropic-messages or "
                                + "openai-responses");
                    }
                    break;
                case "--url":
                    url = Optional.of(uri(value(args, ++i, a)));
                    break;
                case "--api-key":
                    apiKey = Optional.of(value(args, ++i, a));
                    break;
                case "--model":
                    model = Optional.of(value(args, ++i, a));
                    break;
                default:
                    throw new IllegalArgumentException(unknown(a, i));
            }
        }
        if (url.isEmpty() && (apiKey.isPresent() || model.isPresent())) {
            throw new IllegalArgumentException("--api-key and --model need --url");
        }
        return new DemoArgs(transport, dialect, url, apiKey, model, interactive, help);
    }

    /**
     * Names an unknown flag and suggests the closest known one; an argument that does not look
     * like a flag is named by position only (it might be a secret typed in the wrong place).
     */
    private static String unknown(String arg, int index) {
        if (!arg.startsWith("-")) {
            return "unexpected argument #" + (index + 1) + " (not a flag; a value follows its flag, e.g. --model gpt-4o-mini)";
        }
        if (!FLAG_LIKE.matcher(arg).matches()) {
            return "unknown argument #" + (index + 1);
        }
        String message = "unknown argument '" + arg + "'";
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String typed = arg.startsWith("--") ? arg : "-" + arg;
        for (String flag : FLAGS) {
            int d = distance(typed.toLowerCase(java.util.Locale.ROOT), flag);
            if (d < bestDistance) {
                bestDistance = d;
                best = flag;
            }
        }
        return bestDistance <= Math.max(2, best.length() / 4) ? message + ", did you mean '" + best + "'?" : message;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
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

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].isBlank() || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static URI uri(String text) {
        try {
            URI u = URI.create(text);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("--url must be an http(s) URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url must be an http(s) URL");
        }
    }
}
