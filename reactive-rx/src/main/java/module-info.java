/**
 * RxJava 3 views of noa-realtime: {@code Flowable}, {@code Observable}, {@code Single} and
 * {@code Completable} over chat, SSE and realtime clients. RxJava is required transitively
 * because its types are this module's public signatures.
 */
module io.noa.realtime.rx {
    requires transitive io.noa.realtime.api;
    requires transitive io.reactivex.rxjava3;

    exports io.noa.realtime.rx;
}
