package io.noa.realtime.rx;

/** {@link StreamingChatPublisherTckTest} with the chat on the Netty transport. */
public class StreamingChatPublisherNettyTckTest extends StreamingChatPublisherTckTest {
    @Override
    protected String transportName() {
        return "netty";
    }
}
