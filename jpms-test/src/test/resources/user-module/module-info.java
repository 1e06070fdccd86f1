// A user's application module: it requires the api only. Jackson is readable through the api's
// "requires transitive"; the transport is found at run time by service binding.
module io.noa.realtime.jpms.user {
    requires io.noa.realtime.api;
}
