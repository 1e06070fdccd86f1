package io.noa.realtime.samples;

import java.net.URI;
import java.util.Optional;

/** The demo's command line: parsed once, never holding anything but what the user typed. */
final class DemoArgs {
    static final String USAGE = String.join("\n",
            "usage: Demo [--transport jdk|netty] [--url URL --api-key KEY --model MODEL] [--interactive] [--help]",
            "",
            "Streams an assistant answer token by token, then two users (alice, bob) meet in a room:",
            "presence, typing indicator, messages with acknowledgements, and the answer broadcast.",
            "",
            "  --transport jdk|netty  the transport (default: the best one found by Transports.load())",
            "  --url URL              an OpenAI-compatible chat completions endpoint instead of the embedded",
            "                         mock (the room part always uses the embedded RoomServer)",
            "  --api-key KEY          API key for --url (default: the OPENAI_API_KEY environment variable)",
            "  --model MODEL          model for --url (default: gpt-4o-mini)",
            "  --interactive          read prompts from stdin, one answer per line; an empty line or EOF ends",
            "  --help                 this text",
            "",
            "Run it from a fresh clone: mvn -B -ntp -q -pl samples -am -DskipTests package exec:java",
            "with flags:                mvn ... exec:java -Dexec.args=\"--transport jdk\"");

    final Optional<String> transport;
    final Optional<URI> url;
    final Optional<String> apiKey;
    final Optional<String> model;
    final boolean interactive;
    final boolean help;

    private DemoArgs(Optional<String> transport, Optional<URI> url, Optional<String> apiKey, Optional<String> model,
            boolean interactive, boolean help) {
        this.transport = transport;
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
                    // the argument itself is not echoed: it might be a secret typed in the wrong place
                    throw new IllegalArgumentException("unknown argument #" + (i + 1));
            }
        }
        if (url.isEmpty() && (apiKey.isPresent() || model.isPresent())) {
            throw new IllegalArgumentException("--api-key and --model need --url");
        }
        return new DemoArgs(transport, url, apiKey, model, interactive, help);
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
