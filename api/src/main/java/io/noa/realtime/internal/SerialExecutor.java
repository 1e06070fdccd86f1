package io.noa.realtime.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor. With a direct delegate
 * ({@code Runnable::run}) it is a trampoline: a task submitted from inside a running task runs
 * after it, on the same thread, never nested. A task that throws is logged; later tasks still run.
 */
public final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor delegate;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    /**
     * Creates a serial view of {@code delegate}.
     *
     * @param delegate where the tasks run
     */
    public SerialExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * A trampoline on the calling thread.
     *
     * @return a serial executor over a direct executor
     */
    public static SerialExecutor direct() {
        return new SerialExecutor(Runnable::run);
    }

    @Override
    public void execute(Runnable task) {
        enqueue(task);
        kick();
    }

    /**
     * Queues a task without running anything; a later {@link #kick()} (or {@link #execute})
     * runs it. Lets a caller queue callbacks while holding a lock and run them after releasing it.
     *
     * @param task the task
     */
    public void enqueue(Runnable task) {
        queue.add(Objects.requireNonNull(task, "task"));
    }

    /** Runs the queued tasks, unless another thread is already running them. */
    public void kick() {
        if (queue.isEmpty()) {
            return;
        }
        if (wip.getAndIncrement() == 0) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "Callback executor rejected a task; running it on the caller", e);
                drain();
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            Runnable r;
            while ((r = queue.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    if (e instanceof VirtualMachineError) {
                        throw (VirtualMachineError) e;
                    }
                    LOG.log(System.Logger.Level.WARNING, "A callback threw; continuing with the next one", e);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
