/**
 * Benchmarks of noa-realtime: JMH micro-benchmarks ({@code jmh}) and side-by-side harnesses that run
 * our clients and peer libraries against the same local server in one process run.
 */
package io.noa.realtime.benchmarks;
