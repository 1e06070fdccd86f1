package io.noa.realtime.tck;

import java.io.File;
import java.lang.management.ManagementFactory;

/**
 * What a client holds that outlives it if it leaks: threads of ours (named {@code noa-…}, not the
 * testkit's or the tck's own, plus the JDK {@code HttpClient}'s selector threads), open file
 * descriptors ({@code /proc/self/fd}, -1 where there is none), and heap used after GC.
 */
record ResourceSnapshot(int threads, int fds, long heap) {
    static ResourceSnapshot take() {
        return new ResourceSnapshot(ourThreads(), openFds(), heapAfterGc());
    }

    static ResourceSnapshot takeWithoutGc() {
        return new ResourceSnapshot(ourThreads(), openFds(), -1);
    }

    static int ourThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (t.isAlive() && ((name.startsWith("noa-") && !name.startsWith("noa-testkit") && !name.startsWith("noa-tck"))
                    || name.startsWith("HttpClient-"))) {
                n++;
            }
        }
        return n;
    }

    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Open sockets of the process ({@code socket:[…]} descriptors), -1 where there is no /proc. */
    static int openSockets() {
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return -1;
        }
        int n = 0;
        for (File fd : fds) {
            try {
                if (java.nio.file.Files.readSymbolicLink(fd.toPath()).toString().startsWith("socket:")) {
                    n++;
                }
            } catch (java.io.IOException | UnsupportedOperationException e) {
                // closed meanwhile
            }
        }
        return n;
    }

    /**
     * What the open file descriptors are, by kind (sockets, pipes, epoll, jars, ...), for failure
     * messages.
     */
    static String fdSummary() {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return "no /proc/self/fd";
        }
        for (File fd : fds) {
            String kind;
            try {
                String target = java.nio.file.Files.readSymbolicLink(fd.toPath()).toString();
                int colon = target.indexOf(':');
                kind = colon > 0 ? target.substring(0, target.indexOf(':') + 1) + (target.startsWith("anon_inode") ? target.substring(colon + 1) : "")
                        : target.endsWith(".jar") ? "jar" : target.startsWith("/dev/") ? target : "file";
            } catch (java.io.IOException | UnsupportedOperationException e) {
                kind = "gone";
            }
            kinds.merge(kind, 1, Integer::sum);
        }
        return kinds.toString();
    }

    static long heapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
