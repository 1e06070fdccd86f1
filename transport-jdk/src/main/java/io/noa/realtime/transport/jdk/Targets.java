package io.noa.realtime.transport.jdk;

import java.net.URI;

/** Prints endpoints for messages without user info or query (which may carry credentials). */
final class Targets {
    private Targets() {}

    static String describe(URI uri) {
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
}
