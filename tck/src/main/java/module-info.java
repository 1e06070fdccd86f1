/**
 * noa-realtime's transport contract suite: abstract JUnit 5 classes that a transport's own tests
 * extend with one factory method. Its package is opened to JUnit, which discovers and runs the
 * inherited test methods reflectively.
 */
module io.noa.realtime.tck {
    requires transitive io.noa.realtime.api;
    requires io.noa.realtime.testkit;
    requires transitive org.junit.jupiter.api;
    requires org.assertj.core;
    requires awaitility;
    requires java.management;

    exports io.noa.realtime.tck;
    opens io.noa.realtime.tck to org.junit.platform.commons;
}
