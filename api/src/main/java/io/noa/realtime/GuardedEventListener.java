package io.noa.realtime;

import java.util.Optional;

/** {@link ClientEventListener#guarded}: forwards, logging and swallowing what the listener throws. */
final class GuardedEventListener implements ClientEventListener {
    private static final System.Logger LOG = System.getLogger(ClientEventListener.class.getName());
    private final ClientEventListener delegate;

    GuardedEventListener(ClientEventListener delegate) {
        this.delegate = delegate;
    }

    private void threw(String method, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "ClientEventListener." + method + " threw; ignored", e);
    }

    @Override
    public void connectStart(String subject, int attempt) {
        try {
            delegate.connectStart(subject, attempt);
        } catch (RuntimeException e) {
            threw("connectStart", e);
        }
    }

    @Override
    public void connectEnd(String subject) {
        try {
            delegate.connectEnd(subject);
        } catch (RuntimeException e) {
            threw("connectEnd", e);
        }
    }

    @Override
    public void connectFailed(String subject, Throwable failure) {
        try {
            delegate.connectFailed(subject, failure);
        } catch (RuntimeException e) {
            threw("connectFailed", e);
        }
    }

    @Override
    public void responseHead(String subject, int status) {
        try {
            delegate.responseHead(subject, status);
        } catch (RuntimeException e) {
            threw("responseHead", e);
        }
    }

    @Override
    public void firstByte(String subject) {
        try {
            delegate.firstByte(subject);
        } catch (RuntimeException e) {
            threw("firstByte", e);
        }
    }

    @Override
    public void firstToken(String subject) {
        try {
            delegate.firstToken(subject);
        } catch (RuntimeException e) {
            threw("firstToken", e);
        }
    }

    @Override
    public void eventReceived(String subject, long count) {
        try {
            delegate.eventReceived(subject, count);
        } catch (RuntimeException e) {
            threw("eventReceived", e);
        }
    }

    @Override
    public void retryScheduled(RetryEvent retry) {
        try {
            delegate.retryScheduled(retry);
        } catch (RuntimeException e) {
            threw("retryScheduled", e);
        }
    }

    @Override
    public void end(String subject, Optional<Throwable> cause) {
        try {
            delegate.end(subject, cause);
        } catch (RuntimeException e) {
            threw("end", e);
        }
    }

    @Override
    public String toString() {
        return "guarded(" + delegate + ")";
    }
}
