package io.noa.realtime.samples.docs;

import io.noa.realtime.RetryEvent;
import io.noa.realtime.RetryListener;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.sse.SseClient;

/** The retry-listener examples of {@link RetryListener}'s javadoc and the README, run by a test. */
final class ObservabilityExamples {
    private ObservabilityExamples() {}

    /** Prints each retry of a chat request, and the failure when the retries run out, in one line each. */
    static void watchRetriesInOneLine(StreamingChat chat) {
        // region:retry-lambda
        chat.onRetry(retry -> System.out.println("retrying: " + retry));   // attempt 1 of 2 in 100 ms after HttpStatusException: ...
        chat.onRetry(RetryListener.onExhausted(last -> System.out.println("gave up: " + last)));
        // endregion:retry-lambda
    }

    /** Prints each retry and the moment the retries run out. */
    static void watchRetries(SseClient sse) {
        // region:retry-listener
        sse.onRetry(new RetryListener() {
            @Override
            public void onRetryScheduled(RetryEvent retry) {
                System.out.println("retrying: " + retry);   // attempt 3 of ∞ in 1.6 s after ConnectException: ...
            }

            @Override
            public void onRetriesExhausted(String subject, int retries, Throwable lastFailure) {
                System.out.println("gave up on " + subject + " after " + retries + " retries: " + lastFailure);
            }
        });
        // endregion:retry-listener
    }
}
