/**
 * Dagger modules for noa-realtime: {@code JdkTransportModule}, {@code NettyTransportModule} and
 * {@code NoaClientsModule}. Both transports are optional ({@code requires static}): an app adds
 * the one it lists in its component. {@code dagger} is required transitively: {@code @Module} is
 * on the public classes and the generated factories (same package) implement
 * {@code dagger.internal.Factory}; it is an automatic module named by dagger's
 * {@code Automatic-Module-Name}. {@code javax.inject} ({@code @Singleton}) is needed only to
 * compile; it has no module name of its own, so its name comes from its jar's file name.
 */
module io.noa.realtime.dagger {
    requires transitive io.noa.realtime.api;
    requires transitive dagger;
    requires static javax.inject;
    requires static io.noa.realtime.transport.jdk;
    requires static io.noa.realtime.transport.netty;

    exports io.noa.realtime.dagger;
}
