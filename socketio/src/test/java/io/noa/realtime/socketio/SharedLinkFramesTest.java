package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the shared link recognizes the text frame of a binary packet it must keep together with its attachments. */
class SharedLinkFramesTest {
    @Test
    void theAttachmentCountOfBinaryEventsAndAcksIsRead() {
        assertThat(SharedLink.attachmentCount("451-[\"up\",{\"_placeholder\":true,\"num\":0}]")).isEqualTo(1);
        assertThat(SharedLink.attachmentCount("4512-/admin,7[\"up\"]")).isEqualTo(12);
        assertThat(SharedLink.attachmentCount("462-/admin,3[{}]")).isEqualTo(2);
        assertThat(SharedLink.attachmentCount("46123456789-[]")).isEqualTo(123_456_789);
    }

    @Test
    void everyOtherFrameCountsNoAttachments() {
        assertThat(SharedLink.attachmentCount("")).isZero();
        assertThat(SharedLink.attachmentCount("3")).isZero();
        assertThat(SharedLink.attachmentCount("42[\"ev\",1]")).isZero();
        assertThat(SharedLink.attachmentCount("43/admin,5[1]")).isZero();
        assertThat(SharedLink.attachmentCount("40{\"token\":\"x\"}")).isZero();
        assertThat(SharedLink.attachmentCount("45-[]")).as("no digits").isZero();
        assertThat(SharedLink.attachmentCount("45x-[]")).as("not a digit").isZero();
        assertThat(SharedLink.attachmentCount("4512")).as("no dash").isZero();
        assertThat(SharedLink.attachmentCount("451234567890-[]")).as("ten digits").isZero();
        assertThat(SharedLink.attachmentCount("52-[]")).as("not an Engine.IO message").isZero();
    }
}
