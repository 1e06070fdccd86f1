package io.noa.realtime.sse;

import static io.noa.realtime.sse.Recorder.bytes;
import static io.noa.realtime.sse.Recorder.concat;
import static io.noa.realtime.sse.Recorder.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.LimitExceededException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** One test per WHATWG "event stream interpretation" rule and per parser guarantee. */
class SseParserTest {
    private final Recorder rec = new Recorder();
    private SseParser parser = new SseParser(rec);

    private void feed(String s) {
        feed(utf8(s));
    }

    private void feed(byte[] b) {
        parser.feed(b, 0, b.length);
    }

    private void feedBytewise(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            parser.feed(b, i, 1);
        }
    }

    // ---- BOM -----------------------------------------------------------------------------

    @Test
    void bomAtStartIsSkipped() {
        feed(concat(bytes(0xEF, 0xBB, 0xBF), utf8("data: x\n\n")));
        assertThat(rec.events).containsExactly(SseEvent.of("message", "x"));
        assertThat(rec.fields).isEmpty();
    }

    @Test
    void bomSplitAcrossFeedsIsSkipped() {
        feed(bytes(0xEF));
        feed(bytes(0xBB));
        feed(bytes(0xBF, 'd'));
        feed("ata: x\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "x"));
        assertThat(rec.fields).isEmpty();
    }

    @Test
    void bomIsSkippedOnlyOnce() {
        byte[] bom = bytes(0xEF, 0xBB, 0xBF);
        feed(concat(bom, bom, utf8("data: x\n\n")));
        // the second BOM is part of the first field name, which is then not "data"
        assertThat(rec.events).isEmpty();
        assertThat(rec.fields).containsExactly("\uFEFFdata=x");
    }

    @Test
    void bomLaterInStreamIsData() {
        feed("data: a\n\n");
        feed(concat(utf8("data: "), bytes(0xEF, 0xBB, 0xBF), utf8("b\n\n")));
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a", "\uFEFFb");
    }

    @Test
    void partialBomIsOrdinaryContent() {
        feed(bytes(0xEF, 0xBB));
        feed(utf8(": c\ndata: x\n\n"));
        // EF BB ':' is one invalid sequence (U+FFFD) starting a field named "\uFFFD"
        assertThat(rec.fields).containsExactly("\uFFFD=c");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "x"));
    }

    @Test
    void bomIsExpectedAgainAfterReset() {
        feed(concat(bytes(0xEF, 0xBB, 0xBF), utf8("data: a\n\n")));
        parser.reset();
        feed(concat(bytes(0xEF, 0xBB, 0xBF), utf8("data: b\n\n")));
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a", "b");
    }

    // ---- line ends -----------------------------------------------------------------------

    @Test
    void lfEndsLines() {
        feed("data: a\ndata: b\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a\nb"));
    }

    @Test
    void crEndsLines() {
        feed("data: a\rdata: b\r\r");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a\nb"));
    }

    @Test
    void crlfEndsLines() {
        feed("data: a\r\ndata: b\r\n\r\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a\nb"));
    }

    @Test
    void crAndLfSplitAcrossFeedsAreOneLineEnd() {
        feed("data: a\r");
        feed("\ndata: b\r");
        feed("\n\r");
        feed("\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a\nb"));
    }

    @Test
    void crIsInterpretedWithoutWaitingForTheNextByte() {
        feed("data: a\r\r");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a"));
    }

    @Test
    void lfCrIsTwoLineEnds() {
        feed("data: a\n\rdata: b\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    void pendingCrSurvivesAnEmptyFeed() {
        feed("data: a\r");
        parser.feed(new byte[0], 0, 0);
        parser.feed(ByteBuffer.allocate(0));
        feed("\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a"));
    }

    @Test
    void mixedLineEnds() {
        feed("data: 1\rdata: 2\ndata: 3\r\n\ndata: 4\n\r\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("1\n2\n3", "4");
    }

    // ---- fields --------------------------------------------------------------------------

    @Test
    void onlyOneLeadingSpaceIsStripped() {
        feed("data:  two\ndata:none\ndata: \t tab\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly(" two\nnone\n\t tab");
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        feed("Data: x\nEVENT: y\nID: 1\nRetry: 5\n\n");
        assertThat(rec.events).isEmpty();
        assertThat(rec.retries).isEmpty();
        assertThat(parser.lastEventId()).isEmpty();
        assertThat(rec.fields).containsExactly("Data=x", "EVENT=y", "ID=1", "Retry=5");
    }

    @Test
    void lineWithoutColonIsAFieldNameWithEmptyValue() {
        feed("data\n\n");
        feed("event\ndata:x\n\n");
        feed("unknown\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", ""), SseEvent.of("message", "x"));
        assertThat(rec.fields).containsExactly("unknown=");
    }

    @Test
    void valueMayContainColons() {
        feed("data: a: b:c\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a: b:c");
    }

    @Test
    void multiLineDataIsJoinedWithNewline() {
        feed("data: {\ndata: \"a\": 1\ndata: }\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("{\n\"a\": 1\n}");
    }

    @Test
    void onlyOneTrailingNewlineIsRemoved() {
        feed("data: a\ndata:\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a\n");
    }

    @Test
    void emptyDataLinesDispatchEmptyOrNewlineData() {
        feed("data:\n\n");
        feed("data:\ndata:\n\n");
        feed("data: \n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("", "\n", "");
    }

    @Test
    void blockWithoutDataIsNotDispatched() {
        feed("event: ping\n\n\n\n");
        assertThat(rec.events).isEmpty();
    }

    @Test
    void eventTypeIsResetAfterDispatch() {
        feed("event: add\ndata: 1\n\ndata: 2\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("add", "1"), SseEvent.of("message", "2"));
    }

    @Test
    void eventTypeIsResetByABlockWithoutData() {
        feed("event: lost\n\ndata: 2\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "2"));
    }

    @Test
    void emptyEventFieldMeansMessage() {
        feed("event: x\nevent:\ndata: 1\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "1"));
    }

    @Test
    void lastEventFieldWins() {
        feed("event: a\nevent: b\ndata: 1\n\nevent: a\ndata: 2\n\nevent: a\ndata: 3\n\n");
        assertThat(rec.events).extracting(SseEvent::event).containsExactly("b", "a", "a");
    }

    // ---- id ------------------------------------------------------------------------------

    @Test
    void idPersistsAcrossEvents() {
        feed("id: 1\ndata: a\n\ndata: b\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("1", "message", "a"), SseEvent.of("1", "message", "b"));
        assertThat(parser.lastEventId()).contains("1");
    }

    @Test
    void emptyIdClearsTheLastEventId() {
        feed("id: 1\ndata: a\n\nid:\ndata: b\n\nid: 2\n\nid\ndata: c\n\n");
        assertThat(rec.events).containsExactly(
                SseEvent.of("1", "message", "a"), SseEvent.of("message", "b"), SseEvent.of("message", "c"));
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void idWithNulIsIgnored() {
        feed("id: 1\ndata: a\n\n");
        feed(concat(utf8("id: 2"), bytes(0), utf8("3\ndata: b\n\n")));
        assertThat(rec.events).extracting(e -> e.id().orElse("-")).containsExactly("1", "1");
        assertThat(parser.lastEventId()).contains("1");
    }

    @Test
    void idOnlyBlockUpdatesLastEventIdWithoutDispatch() {
        feed("id: 42\n\n");
        assertThat(rec.events).isEmpty();
        assertThat(parser.lastEventId()).contains("42");
        feed("data: x\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("42", "message", "x"));
    }

    @Test
    void idIsCommittedOnlyAtTheBlankLine() {
        feed("id: 1\ndata: a\n\nid: 2\n");
        assertThat(parser.lastEventId()).contains("1");
        parser.finish();
        assertThat(parser.lastEventId()).contains("1");
    }

    @Test
    void idAfterDataInTheSameBlockApplies() {
        feed("data: a\nid: 5\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("5", "message", "a"));
    }

    @Test
    void nonAsciiIdIsDecoded() {
        feed("id: \u00e9\u20ac\ndata: a\n\n");
        assertThat(rec.events.get(0).id()).contains("\u00e9\u20ac");
    }

    // ---- retry ---------------------------------------------------------------------------

    @Test
    void retryWithDigitsIsReported() {
        feed("retry: 3000\nretry:0\n\n");
        assertThat(rec.retries).containsExactly(3000L, 0L);
        assertThat(rec.events).isEmpty();
    }

    @Test
    void retryHugeValueIsClampedNotFatal() {
        feed("retry: 99999999999999999999999999999999\nretry: 9223372036854775807\nretry: 9223372036854775808\n");
        assertThat(rec.retries).containsExactly(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    @Test
    void retryWithNonDigitIsIgnored() {
        feed("retry: 10a\nretry: -1\nretry: 1.5\nretry: +1\nretry:\nretry\nretry:  10\nretry: 1 \nretry: \u0661\n");
        assertThat(rec.retries).isEmpty();
        assertThat(rec.fields).isEmpty();
    }

    // ---- comments and other fields -------------------------------------------------------

    @Test
    void commentIsSurfacedWithOneLeadingSpaceStripped() {
        feed(": ping\n:\n:  two\n:no-space\n");
        assertThat(rec.comments).containsExactly("ping", "", " two", "no-space");
        assertThat(rec.events).isEmpty();
    }

    @Test
    void commentDoesNotEndABlock() {
        feed("data: a\n: keep-alive\ndata: b\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "a\nb"));
        assertThat(rec.all).containsExactly("comment:keep-alive", SseEvent.of("message", "a\nb"));
    }

    @Test
    void unknownFieldIsSurfacedNotDispatched() {
        feed("error: {\"message\":\"boom\"}\n\n");
        assertThat(rec.fields).containsExactly("error={\"message\":\"boom\"}");
        assertThat(rec.events).isEmpty();
    }

    // ---- end of stream -------------------------------------------------------------------

    @Test
    void unterminatedEventAtEndOfStreamIsDiscarded() {
        feed("data: a\n\ndata: b\n");
        parser.finish();
        feed("data: c");
        parser.finish();
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a");
    }

    @Test
    void finishPreparesForANewStream() {
        feed("event: x\ndata: half");
        parser.finish();
        feed("data: next\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "next"));
    }

    // ---- UTF-8 ---------------------------------------------------------------------------

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        feed(concat(utf8("data: a"), bytes(0xFF), utf8("b"), bytes(0xC3), utf8("c"), bytes(0x80), utf8("\n\n")));
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("a\uFFFDb\uFFFDc\uFFFD");
    }

    @Test
    void invalidUtf8FollowsWhatwgMaximalSubparts() {
        // ED A0 80 (an encoded surrogate) is three errors in WHATWG; F0 9F 98 (truncated) is one;
        // C0 80 (overlong) is two; E0 80 is two.
        feed(concat(utf8("data: "), bytes(0xED, 0xA0, 0x80), utf8("|"), bytes(0xF0, 0x9F, 0x98), utf8("|"),
                bytes(0xC0, 0x80), utf8("|"), bytes(0xE0, 0x80), utf8("\n\n")));
        assertThat(rec.events).extracting(SseEvent::data)
                .containsExactly("\uFFFD\uFFFD\uFFFD|\uFFFD|\uFFFD\uFFFD|\uFFFD\uFFFD");
    }

    @Test
    void truncatedCharacterAtEndOfDataLineIsOneReplacement() {
        feed(concat(utf8("data: x"), bytes(0xE2, 0x82), utf8("\ndata: y\n\n")));
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("x\uFFFD\ny");
    }

    @Test
    void multibyteCharacterSplitAcrossFeedsDecodes() {
        String text = "h\u00e9llo \u20ac \uD83D\uDE00 \u65e5\u672c";
        feedBytewise(utf8("event: \u00fcber\nid: \u2603\ndata: " + text + "\n\n"));
        assertThat(rec.events).containsExactly(SseEvent.of("\u2603", "\u00fcber", text));
    }

    @Test
    void realReplacementCharacterIsKept() {
        feed("data: \uFFFD ok \u00e9\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("\uFFFD ok \u00e9");
    }

    // ---- bounds --------------------------------------------------------------------------

    @Test
    void lineAtTheLimitIsAccepted() {
        parser = new SseParser(rec, 10, 100);
        feed("data: 1234\n\n"); // 10 bytes
        feedBytewise(utf8("data: 5678\n\n"));
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("1234", "5678");
    }

    @Test
    void lineOverTheLimitThrowsNamingTheSetting() {
        parser = new SseParser(rec, 10, 100);
        assertThatThrownBy(() -> feed("data: 12345\n\n"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxLineBytes")
                .hasMessageContaining("10")
                .satisfies(e -> assertThat(((LimitExceededException) e).setting()).isEqualTo("maxLineBytes"));
        assertThat(rec.events).isEmpty();
    }

    @Test
    void unterminatedLineOverTheLimitThrowsBeforeItsEnd() {
        parser = new SseParser(rec, 10, 100);
        feed("data: 1234");
        assertThatThrownBy(() -> feed("5")).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void longLineIsLimitedAlsoWhenFedBytewise() {
        parser = new SseParser(rec, 10, 100);
        assertThatThrownBy(() -> feedBytewise(utf8("data: 12345\n\n"))).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void eventAtTheLimitIsAccepted() {
        parser = new SseParser(rec, 100, 10);
        feed("data: 12345\ndata: 6789\n\n"); // "12345\n6789" = 10 bytes
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("12345\n6789");
    }

    @Test
    void eventOverTheLimitThrowsNamingTheSetting() {
        parser = new SseParser(rec, 100, 10);
        assertThatThrownBy(() -> feed("data: 12345\ndata: 67890\n\n"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxEventBytes")
                .satisfies(e -> assertThat(((LimitExceededException) e).limit()).isEqualTo(10));
        assertThat(rec.events).isEmpty();
    }

    @Test
    void limitErrorsNameTheSettingsTheOwnerPassed() {
        parser = new SseParser(rec, 10, 100, "Owner.Builder.maxLine", "Owner.Builder.maxEvent");
        assertThatThrownBy(() -> feed("data: 12345\n\n"))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.setting()).isEqualTo("Owner.Builder.maxLine");
                    assertThat(e.limit()).isEqualTo(10);
                })
                .hasMessageContaining("raise 'Owner.Builder.maxLine'")
                .hasMessageNotContaining("maxLineBytes");
        rec.events.clear();
        parser = new SseParser(rec, 100, 10, "Owner.Builder.maxLine", "Owner.Builder.maxEvent");
        assertThatThrownBy(() -> feed("data: 12345\ndata: 67890\n\n"))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.setting()).isEqualTo("Owner.Builder.maxEvent"))
                .hasMessageContaining("raise 'Owner.Builder.maxEvent'")
                .hasMessageNotContaining("maxEventBytes");
        assertThatThrownBy(() -> new SseParser(rec, 10, 10, null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("lineSetting");
        assertThatThrownBy(() -> new SseParser(rec, 10, 10, "x", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("eventSetting");
    }

    @Test
    void afterALimitErrorFeedIsRefusedUntilReset() {
        parser = new SseParser(rec, 100, 10);
        feed("id: 7\ndata: ok\n\n");
        assertThatThrownBy(() -> feed("data: 12345678901\n\ndata: lost\n\n")).isInstanceOf(LimitExceededException.class);
        assertThatThrownBy(() -> feed("data: more\n\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reset()")
                .hasMessageContaining("maxEventBytes");
        parser.reset();
        feed("data: again\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("7", "message", "ok"), SseEvent.of("7", "message", "again"));
    }

    @Test
    void afterALineLimitErrorResetStartsClean() {
        parser = new SseParser(rec, 10, 100);
        assertThatThrownBy(() -> feed("data: 1234567890")).isInstanceOf(LimitExceededException.class);
        parser.reset();
        feed("data: x\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "x"));
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThatThrownBy(() -> new SseParser(rec, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineBytes");
        assertThatThrownBy(() -> new SseParser(rec, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEventBytes");
        assertThatThrownBy(() -> new SseParser(null)).isInstanceOf(NullPointerException.class).hasMessage("handler");
    }

    // ---- handler misbehaviour ------------------------------------------------------------

    @Test
    void handlerExceptionPropagatesAndRequiresReset() {
        parser = new SseParser(e -> {
            throw new IllegalArgumentException("secret payload");
        });
        assertThatThrownBy(() -> feed("id: 3\ndata: a\n\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed("data: b\n\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("secret");
        assertThat(parser.lastEventId()).contains("3");
        parser.reset();
        assertThatThrownBy(() -> feed("data: b\n\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reentrantFeedFromTheHandlerIsRejected() {
        SseParser[] self = new SseParser[1];
        self[0] = new SseParser(e -> self[0].feed(new byte[] {'\n'}, 0, 1));
        parser = self[0];
        assertThatThrownBy(() -> feed("data: a\n\n")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("own handler");
    }

    @Test
    void handlerMaySeeTheLastEventIdDuringDispatch() {
        SseParser[] self = new SseParser[1];
        StringBuilder seen = new StringBuilder();
        self[0] = new SseParser(e -> seen.append(self[0].lastEventId().orElse("-")));
        self[0].feed(utf8("id: 9\ndata: a\n\n"), 0, 15);
        assertThat(seen).hasToString("9");
    }

    // ---- reset and last event id ---------------------------------------------------------

    @Test
    void resetKeepsLastEventIdAndDropsThePartialEvent() {
        feed("id: 5\ndata: a\n\nid: 6\nevent: x\ndata: partial\ndata: li");
        parser.reset();
        feed("ne\n\ndata: b\n\n");
        assertThat(parser.lastEventId()).contains("5");
        assertThat(rec.fields).containsExactly("ne=");
        assertThat(rec.events).containsExactly(SseEvent.of("5", "message", "a"), SseEvent.of("5", "message", "b"));
    }

    @Test
    void resetDropsAPendingCr() {
        feed("data: a\r");
        parser.reset();
        feed("\ndata: b\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "b"));
    }

    @Test
    void seededLastEventIdAppliesUntilTheStreamSetsOne() {
        parser.lastEventId("41");
        feed("data: a\n\nid: 42\ndata: b\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("41", "message", "a"), SseEvent.of("42", "message", "b"));
        parser.lastEventId(null);
        assertThat(parser.lastEventId()).isEmpty();
        parser.lastEventId("");
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void seedingAnIdWithNulOrLineEndIsRejected() {
        assertThatThrownBy(() -> parser.lastEventId("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parser.lastEventId("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parser.lastEventId("a\rb")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- ByteBuffer input ----------------------------------------------------------------

    @Test
    void heapBufferWithOffsetAndPositionIsReadFromPositionToLimit() {
        byte[] backing = utf8("XXXXdata: skip\n\ndata: hi\n\nYYYY");
        ByteBuffer slice = ByteBuffer.wrap(backing, 2, backing.length - 2).slice(); // arrayOffset 2
        slice.position(14).limit(backing.length - 2 - 4);
        parser.feed(slice);
        assertThat(slice.remaining()).isZero();
        assertThat(rec.events).containsExactly(SseEvent.of("message", "hi"));
    }

    @Test
    void directAndReadOnlyBuffersAreConsumed() {
        byte[] text = utf8("data: " + "x".repeat(20_000) + "\n\n");
        ByteBuffer direct = ByteBuffer.allocateDirect(text.length).put(text).flip();
        parser.feed(direct);
        assertThat(direct.hasRemaining()).isFalse();
        ByteBuffer readOnly = ByteBuffer.wrap(text).asReadOnlyBuffer();
        parser.feed(readOnly);
        assertThat(readOnly.hasRemaining()).isFalse();
        assertThat(rec.events).hasSize(2).allSatisfy(e -> assertThat(e.data()).hasSize(20_000));
    }

    // ---- WHATWG examples -----------------------------------------------------------------

    @Test
    void whatwgExampleStockTicker() {
        feed("data: YHOO\ndata: +2\ndata: 10\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "YHOO\n+2\n10"));
    }

    @Test
    void whatwgExampleIdsAndComments() {
        feed(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n");
        parser.finish();
        assertThat(rec.comments).containsExactly("test stream");
        assertThat(rec.events).containsExactly(SseEvent.of("1", "message", "first event"),
                SseEvent.of("message", "second event"));
        // the third block has no blank line before the end: discarded
    }

    @Test
    void whatwgExampleThirdEventWhenTerminated() {
        feed("data:  third event\n\n");
        assertThat(rec.events).extracting(SseEvent::data).containsExactly(" third event");
    }

    @Test
    void whatwgExampleEmptyData() {
        feed("data\n\ndata\ndata\n\ndata:");
        parser.finish();
        assertThat(rec.events).extracting(SseEvent::data).containsExactly("", "\n");
    }

    @Test
    void whatwgExampleSpaceIsOptional() {
        feed("data:test\n\ndata: test\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("message", "test"), SseEvent.of("message", "test"));
    }

    @Test
    void whatwgExampleNamedEvents() {
        feed("event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n");
        assertThat(rec.events).containsExactly(SseEvent.of("add", "73857293"), SseEvent.of("remove", "2153"),
                SseEvent.of("add", "113411"));
    }
}
