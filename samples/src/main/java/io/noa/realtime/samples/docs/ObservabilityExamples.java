package io.noa.realtime.samples.docs;

import io.noa.realtime.RetryEvent;
import io.noa.realtime.RetryListener;
import io.noa.realtime.sse.SseClient;

/** The retry-listener example of {@link RetryListener}'s javadoc and the README, run by a test. */
final class ObservabilityExamples {
    private ObservabilityExamples() {}

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
