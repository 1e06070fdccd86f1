/**
 * The SSE side-by-side harness ({@link io.noa.realtime.benchmarks.sse.SseSideBySide}): one local
 * Netty SSE server, and our clients and the peer libraries reading the same stream in turn, in
 * one process run.
 */
package io.noa.realtime.benchmarks.sse;
