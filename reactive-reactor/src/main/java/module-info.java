/**
 * Project Reactor views of noa-realtime: {@code Flux} and {@code Mono} over chat, SSE and
 * realtime clients. {@code reactor.core} and {@code org.reactivestreams} are required
 * transitively because their types ({@code Flux}, {@code Mono}, the {@code Publisher} they are)
 * are this module's public signatures; both are automatic modules named by their jars'
 * {@code Automatic-Module-Name}.
 */
module io.noa.realtime.reactor {
    requires transitive io.noa.realtime.api;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;

    exports io.noa.realtime.reactor;
}
