/**
 * Implementation details of noa-realtime. <strong>Not API</strong>: anything here may change
 * or disappear in any release. No module but {@code tck} and {@code testkit} may use it.
 */
package io.noa.realtime.internal;
