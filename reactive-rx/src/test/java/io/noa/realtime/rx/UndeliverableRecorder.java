package io.noa.realtime.rx;

import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Records every error RxJava could not deliver and fails the test when there was one. */
final class UndeliverableRecorder implements BeforeEachCallback, AfterEachCallback {
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        errors.clear();
        RxJavaPlugins.setErrorHandler(errors::add);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RxJavaPlugins.reset();
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("RxJava reported undeliverable errors: " + errors);
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }
}
