package io.noa.realtime.tck;

import java.text.MessageFormat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A {@link System.LoggerFinder} that records every record of every level (the finest included)
 * as text, so a test can search all the SDK logged for planted secrets ({@link SecretsContract}).
 * Records at {@code WARNING} and above are also printed to {@code System.err}.
 *
 * <p>Register it for a test run with a service file in the test class path, e.g.
 * {@code src/test/resources/META-INF/services/java.lang.System$LoggerFinder} holding
 * {@code io.noa.realtime.tck.CapturingLoggerFinder}. Keeps the last {@value #MAX_RECORDS}
 * records. Thread-safe.
 */
public final class CapturingLoggerFinder extends System.LoggerFinder {
    /** Most records kept. */
    public static final int MAX_RECORDS = 100_000;
    private static final Deque<String> RECORDS = new ArrayDeque<>();
    private static volatile boolean capturingAll;

    /** Called by {@link java.util.ServiceLoader}. */
    public CapturingLoggerFinder() {}

    /**
     * Whether this finder is the one the JVM uses.
     *
     * @return true when registered and picked
     */
    public static boolean isInstalled() {
        return System.LoggerFinder.getLoggerFinder() instanceof CapturingLoggerFinder;
    }

    /**
     * The records kept so far, oldest first, as {@code LEVEL logger: message} plus the text of any
     * throwable (its {@code toString} and every cause's).
     *
     * @return a copy
     */
    public static List<String> records() {
        synchronized (RECORDS) {
            return new ArrayList<>(RECORDS);
        }
    }

    /**
     * Turns capture of every level on or off. Off (the default), only {@code WARNING} and above
     * are loggable, so a whole test run is not slowed by debug logging (the JDK's HTTP client
     * logs every exchange at {@code DEBUG}); a test that searches the log turns it on first.
     *
     * @param all whether every level is loggable and recorded
     */
    public static void captureAll(boolean all) {
        capturingAll = all;
    }

    /** Forgets the records kept so far. */
    public static void clear() {
        synchronized (RECORDS) {
            RECORDS.clear();
        }
    }

    private static void record(String text) {
        synchronized (RECORDS) {
            RECORDS.addLast(text);
            while (RECORDS.size() > MAX_RECORDS) {
                RECORDS.removeFirst();
            }
        }
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Capturing(name);
    }

    private static final class Capturing implements System.Logger {
        private final String name;

        Capturing(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && (capturingAll || level.getSeverity() >= Level.WARNING.getSeverity());
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            StringBuilder sb = new StringBuilder().append(level).append(' ').append(name).append(": ").append(msg);
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                sb.append(" | ").append(t);
                if (t.getCause() == t) {
                    break;
                }
            }
            write(level, sb.toString());
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            String msg = format;
            if (params != null && params.length > 0 && format != null) {
                try {
                    msg = MessageFormat.format(format, params);
                } catch (IllegalArgumentException e) {
                    msg = format;
                }
                StringBuilder sb = new StringBuilder(msg == null ? "null" : msg).append(" | params:");
                for (Object p : params) {
                    sb.append(' ').append(p);
                }
                msg = sb.toString();
            }
            write(level, level + " " + name + ": " + msg);
        }

        @Override
        public void log(Level level, Supplier<String> supplier, Throwable thrown) {
            log(level, (ResourceBundle) null, supplier.get(), thrown);
        }

        private void write(Level level, String text) {
            if (!isLoggable(level)) {
                return;
            }
            record(text);
            if (level.getSeverity() >= Level.WARNING.getSeverity()) {
                System.err.println(text);
            }
        }
    }
}
