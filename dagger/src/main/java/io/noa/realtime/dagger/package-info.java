/**
 * Dagger modules for noa-realtime. A component lists one transport module
 * ({@link io.noa.realtime.dagger.JdkTransportModule} or
 * {@link io.noa.realtime.dagger.NettyTransportModule}, whose transport the app adds as a
 * dependency) and {@link io.noa.realtime.dagger.NoaClientsModule}, and binds the
 * {@link io.noa.realtime.dagger.ChatSettings} and/or
 * {@link io.noa.realtime.ws.RealtimeOptions} its entry points need (for example with
 * {@code @BindsInstance}). The clients share the component's single {@code Transport} and never
 * close it: the app closes the clients first, then the transport.
 */
package io.noa.realtime.dagger;
