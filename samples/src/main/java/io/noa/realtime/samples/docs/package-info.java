/**
 * The code of every javadoc example of the published jars, each in a {@code // region:NAME} block
 * that the javadoc quotes verbatim; {@code JavadocExamplesTest} runs each one and
 * {@code SnippetsTest} fails when a javadoc or README block drifts from its region.
 */
package io.noa.realtime.samples.docs;
