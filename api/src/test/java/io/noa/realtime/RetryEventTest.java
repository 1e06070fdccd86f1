package io.noa.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryEventTest {
    private static final String URL = "ws://127.0.0.1:18090/ws";

    @Test
    void toStringNamesTheSubjectOnceWhenTheCauseAlreadyNamesIt() {
        // what a RealtimeClient printed while its server restarted: the URL twice in one line
        RetryEvent retry = new RetryEvent(URL, 2, RetryPolicy.UNLIMITED, Duration.ofMillis(1500),
                new RealtimeException("Connection refused by 127.0.0.1:18090 (" + URL + "); check that the server is running"));
        assertThat(retry.toString())
                .isEqualTo("attempt 2 of \u221e in 1.5 s after RealtimeException: Connection refused by 127.0.0.1:18090 ("
                        + URL + "); check that the server is running");
        assertThat(retry.toString().split(java.util.regex.Pattern.quote(URL), -1)).hasSize(2);
    }

    @Test
    void toStringAddsTheSubjectWhenTheCauseDoesNotNameIt() {
        RetryEvent retry = new RetryEvent("http://127.0.0.1:8080/events", 3, 5, Duration.ofMillis(250),
                new ConnectException("Connection refused"));
        assertThat(retry.toString()).isEqualTo(
                "attempt 3 of 5 in 250 ms after ConnectException: Connection refused (http://127.0.0.1:8080/events)");
        RetryEvent noMessage = new RetryEvent("msg_1", 1, 2, Duration.ofMillis(40), new ConnectException());
        assertThat(noMessage.toString()).isEqualTo("attempt 1 of 2 in 40 ms after ConnectException (msg_1)");
    }
}
