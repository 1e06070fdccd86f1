/**
 * Scale: many idle SSE streams and WebSocket sessions in one small client JVM ({@link
 * io.noa.realtime.benchmarks.scale.ScaleHarness}), against a server in a child JVM ({@link
 * io.noa.realtime.benchmarks.scale.ScaleServer}).
 */
package io.noa.realtime.benchmarks.scale;
