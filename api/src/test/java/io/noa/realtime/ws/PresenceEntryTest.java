package io.noa.realtime.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PresenceEntryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void toStringIncludesTheMetadata() throws Exception {
        JsonNode metadata = JSON.readTree("{\"device\":\"laptop\",\"tab\":3}");
        Presence.Entry entry = new Presence.Entry("alice", "online", metadata, Instant.EPOCH);

        assertThat(entry).hasToString("Presence.Entry{alice=online, metadata={\"device\":\"laptop\",\"tab\":3}}");
    }

    @Test
    void toStringWithoutMetadataSaysSo() {
        Presence.Entry entry = new Presence.Entry("bob", "away", MissingNode.getInstance(), Instant.EPOCH);

        assertThat(entry).hasToString("Presence.Entry{bob=away, metadata={}}");
    }

    @Test
    void largeMetadataIsCutToABoundedExcerpt() {
        ObjectNode metadata = JSON.createObjectNode().put("bio", "x".repeat(10_000));
        Presence.Entry entry = new Presence.Entry("carol", "online", metadata, Instant.EPOCH);

        assertThat(entry.toString()).startsWith("Presence.Entry{carol=online, metadata={\"bio\":\"xxx")
                .hasSizeLessThan(300);
    }
}
