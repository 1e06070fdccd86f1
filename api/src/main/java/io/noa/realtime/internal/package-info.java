/**
 * Implementation details of noa-realtime. <strong>Not API</strong>: anything here may change
 * or disappear in any release. The module descriptor exports it to no module.
 */
package io.noa.realtime.internal;
