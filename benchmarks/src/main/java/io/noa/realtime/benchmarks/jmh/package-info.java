/**
 * JMH micro-benchmarks of the SSE parser, the chunk decoder, the chunk accumulator and the whole
 * parse, decode and accumulate pipeline, with two hand-rolled baselines; {@link
 * io.noa.realtime.benchmarks.jmh.JmhReport} runs them with the GC profiler and writes the README table.
 */
package io.noa.realtime.benchmarks.jmh;
