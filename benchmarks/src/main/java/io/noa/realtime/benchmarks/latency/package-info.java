/**
 * Time to first token against a raw socket reader ({@link
 * io.noa.realtime.benchmarks.latency.FirstTokenLatency}).
 */
package io.noa.realtime.benchmarks.latency;
