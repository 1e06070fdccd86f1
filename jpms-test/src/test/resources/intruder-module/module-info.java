// A user module whose code names a class of the api's internal package: javac must refuse it.
module io.noa.realtime.jpms.intruder {
    requires io.noa.realtime.api;
}
