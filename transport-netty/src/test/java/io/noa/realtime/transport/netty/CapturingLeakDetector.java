package io.noa.realtime.transport.netty;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, recording each report for the tck's {@code LeakContract}. Installed for
 * this module's test JVM with {@code -Dio.netty.customResourceLeakDetector=} this class and
 * {@code -Dio.netty.leakDetection.level=paranoid} (see the surefire {@code argLine}), so every
 * buffer any test allocates is tracked.
 *
 * @param <T> the tracked resource type
 */
public final class CapturingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> REPORTS = new ArrayList<>();

    /**
     * Called by Netty's detector factory.
     *
     * @param resourceType the tracked type
     * @param samplingInterval the sampling interval
     */
    public CapturingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /**
     * Called by Netty's detector factory (older signature).
     *
     * @param resourceType the tracked type
     * @param samplingInterval the sampling interval
     * @param maxActive ignored
     */
    @SuppressWarnings("deprecation")
    public CapturingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    /**
     * The leak reports so far.
     *
     * @return a copy
     */
    static List<String> reports() {
        synchronized (REPORTS) {
            return new ArrayList<>(REPORTS);
        }
    }

    private static void add(String report) {
        synchronized (REPORTS) {
            if (REPORTS.size() < 1_000) {
                REPORTS.add(report);
            }
        }
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        add("LEAK " + resourceType + ": " + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        add("LEAK " + resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }
}
