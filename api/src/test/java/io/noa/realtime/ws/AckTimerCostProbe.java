package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.noa.realtime.ConnectionState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/**
 * Not a test (no surefire name pattern matches it): what one acknowledged emit costs the ledger and its
 * timer thread, without a network. Run it by name:
 * {@code mvn -pl api test -Dtest=AckTimerCostProbe -Dsurefire.failIfNoSpecifiedTests=false}; the
 * figures are in {@code api/target/surefire-reports/io.noa.realtime.ws.AckTimerCostProbe-output.txt}.
 */
class AckTimerCostProbe {
    @Test
    void probe() throws Exception {
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread[] timerThread = new Thread[1];
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "probe-timer");
            t.setDaemon(true);
            timerThread[0] = t;
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.prestartAllCoreThreads();
        io.noa.realtime.internal.SerialExecutor serial = io.noa.realtime.internal.SerialExecutor.direct();
        AckLedger.Delivery delivery = new AckLedger.Delivery() {
            @Override
            public void deliver(Runnable task) {
                serial.enqueue(task);
            }

            @Override
            public void kick() {
                serial.kick();
            }
        };
        AckLedger ledger = new AckLedger(timer, delivery, () -> ConnectionState.CONNECTED, "ws://127.0.0.1/x", 100,
                Long.MAX_VALUE, false, 0, Duration.ofSeconds(60));
        AckLedger.Link link = new AckLedger.Link() {
            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public long queuedBytes() {
                return 0;
            }

            @Override
            public void write(String event, JsonNode data, long ackId) {
                AckTimerCostProbe.last = ackId;
            }

            @Override
            public void writeAck(long ackId, JsonNode data) {}
        };
        ledger.linkUp(link);
        int n = 100_000;
        for (int round = 0; round < 6; round++) {
            long timerCpu0 = tmx.getThreadCpuTime(timerThread[0].getId());
            long mainCpu0 = tmx.getCurrentThreadCpuTime();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                CompletableFuture<JsonNode> f = ledger.emitWithAck("e", IntNode.valueOf(i), Duration.ofSeconds(60));
                ledger.ackReceived(last, IntNode.valueOf(i), null);
                f.join();
            }
            long wall = System.nanoTime() - t0;
            System.out.printf("PROBE round %d: %.0f ns/ack wall, caller CPU %.0f ns/ack, timer-thread CPU %.0f ns/ack,"
                    + " process CPU %.0f ns/ack%n", round, wall / (double) n,
                    (tmx.getCurrentThreadCpuTime() - mainCpu0) / (double) n,
                    (tmx.getThreadCpuTime(timerThread[0].getId()) - timerCpu0) / (double) n,
                    (os.getProcessCpuTime() - cpu0) / (double) n);
        }
        timer.shutdownNow();
    }

    static volatile long last;
}
