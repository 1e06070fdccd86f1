package io.noa.realtime.reactor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Hooks;

/** Records every error or value Reactor dropped and fails the test when there was one. */
final class DroppedSignals implements BeforeEachCallback, AfterEachCallback {
    final List<Object> dropped = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        dropped.clear();
        Hooks.onErrorDropped(dropped::add);
        Hooks.onNextDropped(dropped::add);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Hooks.resetOnErrorDropped();
        Hooks.resetOnNextDropped();
        if (!dropped.isEmpty()) {
            throw new AssertionError("Reactor dropped signals: " + dropped);
        }
    }
}
