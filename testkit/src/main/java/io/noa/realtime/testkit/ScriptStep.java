package io.noa.realtime.testkit;

import java.time.Duration;

/** One step of a scripted {@link MockResponse} body. */
interface ScriptStep {
    /** Write these bytes as one HTTP chunk and flush. */
    record Write(byte[] bytes) implements ScriptStep {}

    /** Wait before the next step. */
    record Pause(Duration duration) implements ScriptStep {}

    /** Wait until {@link MockInferenceServer#release()}. */
    record AwaitRelease() implements ScriptStep {}

    /** Write this chunk over and over, honouring channel writability, until the client leaves. */
    record WriteForever(byte[] chunk) implements ScriptStep {}

    /** Write nothing more and never end. */
    record Stall() implements ScriptStep {}

    /** Close the TCP connection without ending the chunked body. */
    record CloseAbruptly() implements ScriptStep {}

    /** End the chunked body normally. */
    record End() implements ScriptStep {}

    /** Whether nothing can follow this step. */
    static boolean isTerminal(ScriptStep step) {
        return step instanceof WriteForever || step instanceof Stall || step instanceof CloseAbruptly
                || step instanceof End;
    }
}
