/**
 * The Dagger component of the {@code DaggerWiring} sample. This package holds Dagger-generated
 * sources (without javadoc), so it is left out of doclint.
 */
package io.noa.realtime.samples.dagger;
