package io.noa.realtime.samples;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.chat.StreamingMessage;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;

/**
 * Says why an answer did not complete, for a person at a terminal: the exception's type and
 * message (which the SDK keeps free of keys) and a hint at what to change.
 */
final class FailureReport {
    private FailureReport() {}

    /**
     * Two lines, {@code error: ...} and {@code hint: ...}, for an answer that did not complete.
     *
     * @param m the final snapshot
     * @param url where the chat streams from
     * @return the lines to print
     */
    static List<String> describe(StreamingMessage m, URI url) {
        String what = m.failure().map(FailureReport::typeAndMessage)
                .or(() -> m.error().map(e -> "the server sent an error: " + e))
                .orElse("no exception; finish reason " + m.rawFinishReason().orElse("none"));
        return List.of("error: the answer ended " + m.state() + ": " + what, "hint: " + hint(m, url));
    }

    private static String typeAndMessage(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String hint(StreamingMessage m, URI url) {
        String where = url.getHost() + ":" + (url.getPort() >= 0 ? url.getPort()
                : "https".equals(url.getScheme()) ? 443 : 80);
        Throwable t = m.failure().orElse(null);
        if (t instanceof HttpStatusException) {
            int status = ((HttpStatusException) t).status();
            if (status == 401 || status == 403) {
                return "the server refused the credentials: check --api-key (default: the OPENAI_API_KEY environment "
                        + "variable)";
            }
            if (status == 404) {
                return "nothing at that path: OpenAI-compatible servers answer at .../v1/chat/completions; check --url";
            }
            if (status == 400 || status == 422) {
                return "the server rejected the request: check --model (the body excerpt above says more)";
            }
            if (status == 429) {
                return "rate limited: wait (Retry-After) or use another key";
            }
            return status >= 500 ? "the server failed: try again later" : "see the status and body excerpt above";
        }
        if (t instanceof ConnectTimeoutException) {
            return "nothing answered " + where + " in time: check the host and port of --url, and any proxy or firewall";
        }
        if (t instanceof IdleTimeoutException) {
            return "the server stopped sending mid-answer: try again, or a server closer to you";
        }
        if (t instanceof StreamFormatException) {
            return "that is not an OpenAI-compatible chat stream: check that --url is a chat completions endpoint";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return "nothing accepted a connection at " + where + ": is the server running? check --url";
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "the host of --url does not resolve: check its spelling and your DNS";
            }
        }
        if (t == null && m.error().isPresent()) {
            return "the model or server reported the error above mid-answer: check --model, or try again";
        }
        if (t == null) {
            return "the stream ended without a finish reason or [DONE]: the server or a proxy cut it";
        }
        return "see the error above; --transport jdk|netty tries the other transport";
    }
}
