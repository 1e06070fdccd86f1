package io.noa.realtime.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor. With a direct delegate
 * ({@code Runnable::run}) it is a trampoline: a task submitted from inside a running task runs
 * after it, on the same thread, never nested. A task that throws is logged; later tasks still run.
 *
 * <p>With the {@link #DIRECT} delegate a task submitted while the executor is idle runs at once on
 * the caller, without being queued (nothing is allocated for it); that is the common case of
 * callbacks delivered on a transport's I/O thread.
 */
public final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    /**
     * Runs each task on the calling thread. As the delegate it lets an idle serial executor run a
     * task at once instead of queueing it; any other direct executor works too, only without that
     * shortcut.
     */
    public static final Executor DIRECT = new Executor() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public String toString() {
            return "direct";
        }
    };

    private final Executor delegate;
    private final boolean direct;
    private final Runnable drainTask = this::drain;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    /**
     * Creates a serial view of {@code delegate}.
     *
     * @param delegate where the tasks run
     */
    public SerialExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.direct = delegate == DIRECT;
    }

    /**
     * A trampoline on the calling thread.
     *
     * @return a serial executor over a direct executor
     */
    public static SerialExecutor direct() {
        return new SerialExecutor(DIRECT);
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (direct && wip.compareAndSet(0, 1)) {
            if (queue.isEmpty()) {
                run(task);
            } else {
                queue.add(task); // enqueued earlier, not yet kicked: those go first
            }
            drain();
            return;
        }
        enqueue(task);
        kick();
    }

    /**
     * Runs {@code action.accept(value)} like {@link #execute(Runnable)}; when it can run at once
     * (see {@link #DIRECT}) no task object is created, so a caller holding a reusable
     * {@code Consumer} delivers values without allocating.
     *
     * @param action the action, typically a field holding a method reference
     * @param value its argument
     * @param <T> the value type
     */
    public <T> void execute(Consumer<? super T> action, T value) {
        Objects.requireNonNull(action, "action");
        if (direct && wip.compareAndSet(0, 1)) {
            if (queue.isEmpty()) {
                try {
                    action.accept(value);
                } catch (RuntimeException | Error e) {
                    failed(e);
                }
            } else {
                queue.add(() -> action.accept(value));
            }
            drain();
            return;
        }
        enqueue(() -> action.accept(value));
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
                delegate.execute(drainTask);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "Callback executor rejected a task; running it on the caller", e);
                drain();
            }
        }
    }

    /** Runs the queue until it is empty and no one asked for more; the caller holds wip. */
    private void drain() {
        int missed = 1;
        do {
            Runnable r;
            while ((r = queue.poll()) != null) {
                run(r);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private static void failed(Throwable e) {
        if (e instanceof VirtualMachineError) {
            throw (VirtualMachineError) e;
        }
        LOG.log(System.Logger.Level.WARNING, "A callback threw; continuing with the next one", e);
    }
}
