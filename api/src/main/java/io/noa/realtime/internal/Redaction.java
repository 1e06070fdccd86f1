package io.noa.realtime.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** Keeps secrets out of messages, logs and {@code toString}. */
public final class Redaction {
    /** Longest excerpt of foreign input kept in a message. */
    public static final int MAX_EXCERPT = 200;
    /** Shortest secret value {@link #redactValues} hides. */
    public static final int MIN_SECRET_LENGTH = 4;

    private static final Set<String> SECRET_HEADERS = Set.of(
            "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
            "openai-api-key", "anthropic-api-key", "x-auth-token");

    private Redaction() {}

    /**
     * The URL without user info and without the query (which often carries keys).
     *
     * @param uri the URL
     * @return a printable form
     */
    public static String url(URI uri) {
        if (uri == null) {
            return "<no url>";
        }
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) {
            sb.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
            if (uri.getPort() >= 0) {
                sb.append(':').append(uri.getPort());
            }
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append("?<redacted>");
        }
        return sb.toString();
    }

    /**
     * Like {@link #url(URI)} for a string that may not parse.
     *
     * @param url the URL
     * @return a printable form
     */
    public static String url(String url) {
        if (url == null) {
            return "<no url>";
        }
        try {
            return url(URI.create(url));
        } catch (IllegalArgumentException e) {
            return "<unparseable url>";
        }
    }

    /**
     * Whether a header's value must never be printed, and must not follow a redirect to another
     * origin: authorization and cookies, and every name that looks like an API key or token
     * ({@code x-api-key}, {@code api-key}, {@code apikey}, {@code api_key}, {@code x-auth-token},
     * anything ending in {@code key}, or holding {@code token}, {@code secret}, {@code password},
     * {@code auth} or {@code session}), in any case and with {@code -} or {@code _}.
     *
     * @param name header name, any case
     * @return true for authorization, cookies and API-key headers
     */
    public static boolean isSecretHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (SECRET_HEADERS.contains(n)) {
            return true;
        }
        String squashed = n.replace("-", "").replace("_", "");
        return squashed.endsWith("key") || squashed.contains("token") || squashed.contains("secret")
                || squashed.contains("password") || squashed.contains("auth") || squashed.contains("session")
                || squashed.contains("cookie") || squashed.contains("credential");
    }

    /**
     * Replaces every occurrence of each secret value in {@code text} with {@code <redacted>}
     * (longest secrets first, so that a token inside a longer header value goes as well). Values
     * shorter than {@link #MIN_SECRET_LENGTH} characters are ignored: they would mangle ordinary
     * text and protect nothing.
     *
     * @param text foreign input, e.g. an error body that echoes the request
     * @param secrets the values to hide
     * @return the text without them
     */
    public static String redactValues(String text, java.util.Collection<String> secrets) {
        if (text == null || text.isEmpty() || secrets.isEmpty()) {
            return text;
        }
        java.util.List<String> sorted = new java.util.ArrayList<>(secrets);
        sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
        String out = text;
        for (String secret : sorted) {
            if (secret != null && secret.length() >= MIN_SECRET_LENGTH && out.contains(secret)) {
                out = out.replace(secret, "<redacted>");
            }
        }
        return out;
    }

    /**
     * Shortens foreign input for a message and replaces control characters. Longer input is cut
     * (never inside a surrogate pair) and ends with {@code '…'}.
     *
     * @param text the input
     * @return at most {@link #MAX_EXCERPT} characters, the ellipsis included
     */
    public static String excerpt(CharSequence text) {
        if (text == null) {
            return "";
        }
        int n = text.length();
        if (n > MAX_EXCERPT) {
            n = MAX_EXCERPT - 1; // room for the ellipsis
            if (Character.isHighSurrogate(text.charAt(n - 1))) {
                n--;
            }
        }
        StringBuilder sb = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 && c != '\t' ? ' ' : c);
        }
        if (text.length() > MAX_EXCERPT) {
            sb.append('…');
        }
        return sb.toString();
    }
}
