package io.noa.realtime.spi;

import io.noa.realtime.internal.Redaction;
import java.net.URI;

/**
 * Printable forms of values that may carry secrets, for transports that build messages.
 *
 * <p>A transport MUST use these when it puts a URL or a header into an exception message, a log
 * line or a {@code toString}: user info and the query (which often carries keys) are never printed,
 * and neither are the values of credential headers. The api's own messages use the same rules, so a
 * user sees one shape whichever transport runs.
 */
public final class Redact {
    private Redact() {}

    /**
     * The URL as {@code scheme://host:port/path}, with user info dropped and any query replaced by
     * {@code ?<redacted>}.
     *
     * @param uri the URL, may be {@code null}
     * @return a form safe to print
     */
    public static String url(URI uri) {
        return Redaction.url(uri);
    }

    /**
     * Whether a header's value must never be printed ({@code Authorization}, {@code Cookie},
     * {@code X-Api-Key}, {@code Api-Key}, …), case-insensitively.
     *
     * @param name the header name
     * @return {@code true} for a credential header
     */
    public static boolean isSecretHeader(String name) {
        return Redaction.isSecretHeader(name);
    }
}
