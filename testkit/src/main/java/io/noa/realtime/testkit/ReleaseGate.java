package io.noa.realtime.testkit;

import java.util.ArrayList;
import java.util.List;

/** A one-way gate: actions wait until it opens; once open, they run at once until re-armed. */
final class ReleaseGate {
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean open;

    /** Runs {@code action} when the gate opens (now if it is open). */
    void whenOpen(Runnable action) {
        synchronized (this) {
            if (!open) {
                waiting.add(action);
                return;
            }
        }
        action.run();
    }

    /** Opens the gate and runs every waiting action. */
    void open() {
        List<Runnable> run;
        synchronized (this) {
            open = true;
            run = new ArrayList<>(waiting);
            waiting.clear();
        }
        run.forEach(Runnable::run);
    }

    /** Closes the gate again for actions that arrive later. */
    synchronized void rearm() {
        open = false;
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
