package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accumulated state of one choice. Applies the rules of CHAT-STREAM-VARIANTS.md row 13 for tool
 * calls: {@code ""} is absent for id/type/name; a fragment with an index continues the latest call at
 * that index unless it brings a different id (then it starts a new call at the same index); a fragment
 * without an index continues the call with its id, starts a new call for a new id, and continues the
 * latest call when it has no id (unless it carries a function name and the latest call is already
 * whole: then it is the next call); the name and type are set once. Not thread-safe. Not API.
 */
final class ChoiceAccumulator {
    /** Budget charged for one structural item (a call, a logprob entry, an annotation). */
    static final int ITEM_COST = 32;

    private final int index;
    private final ChunkAccumulator.Budget budget;
    private String rawRole;
    private final TextBuffer content = new TextBuffer();
    private final TextBuffer reasoning = new TextBuffer();
    private final TextBuffer refusal = new TextBuffer();
    /** Calls sorted by index, then by arrival. */
    private final List<CallState> calls = new ArrayList<>();
    private CallState lastCreated;
    private CallState functionCall;
    private String rawFinish;
    private final AppendOnlyList<JsonNode> logprobs = new AppendOnlyList<>();
    private final AppendOnlyList<JsonNode> refusalLogprobs = new AppendOnlyList<>();
    private final AppendOnlyList<JsonNode> annotations = new AppendOnlyList<>();
    private final Map<String, JsonNode> extras = new LinkedHashMap<>();
    private StreamingMessage.ChoiceState snapshot;

    ChoiceAccumulator(int index, ChunkAccumulator.Budget budget) {
        this.index = index;
        this.budget = budget;
    }

    int index() {
        return index;
    }

    boolean isFinished() {
        return rawFinish != null;
    }

    void apply(Choice c) {
        snapshot = null;
        // plain null checks instead of Optional.ifPresent: no lambda per chunk
        Delta d = c.deltaOrNull();
        if (d != null) {
            applyDelta(d);
        }
        String f = c.finishReasonOrNull();
        if (f != null) {
            rawFinish = f;
        }
        // indexed loops: no iterator per chunk (the lists are almost always empty)
        List<JsonNode> lp = c.logprobs();
        for (int i = 0; i < lp.size(); i++) {
            budget.charge(ITEM_COST);
            logprobs.add(lp.get(i));
        }
        List<JsonNode> rlp = c.refusalLogprobs();
        for (int i = 0; i < rlp.size(); i++) {
            budget.charge(ITEM_COST);
            refusalLogprobs.add(rlp.get(i));
        }
        ChunkAccumulator.mergeExtras(extras, c.extras());
    }

    /**
     * The same as {@link #apply(Choice)} for a {@link SimpleChunk}'s choice: role, texts, the one
     * tool-call fragment and the finish reason in the same order and with the same budget charges,
     * without a {@code Choice}.
     */
    void applySimple(SimpleChunk c) {
        snapshot = null;
        if (rawRole == null) {
            rawRole = c.role;
        }
        appendIfPresent(content, c.content);
        appendIfPresent(reasoning, c.reasoning);
        appendIfPresent(refusal, c.refusal);
        if (c.hasCall) {
            CallState target = atIndex(c.callIndex, c.callId);
            mergeNames(target, c.callId, c.callType, c.callName);
            appendIfPresent(target.arguments, c.callArguments);
        }
        if (c.finishReason != null) {
            rawFinish = c.finishReason;
        }
    }

    private void appendIfPresent(TextBuffer buffer, SimpleChunk.Text t) {
        if (t.present) {
            budget.charge(t.length);
            buffer.append(t.chars, 0, t.length);
        }
    }

    private void applyDelta(Delta d) {
        if (rawRole == null) {
            rawRole = d.rawRoleOrNull();
        }
        appendIfPresent(content, d.contentOrNull());
        appendIfPresent(reasoning, d.reasoningOrNull());
        appendIfPresent(refusal, d.refusalOrNull());
        List<ToolCall> fragments = d.toolCalls();
        for (int i = 0; i < fragments.size(); i++) {
            applyToolCall(fragments.get(i));
        }
        ToolCall f = d.functionCallOrNull();
        if (f != null) {
            if (functionCall == null) {
                budget.charge(ITEM_COST);
                functionCall = new CallState(-1);
            }
            merge(functionCall, f);
        }
        List<JsonNode> notes = d.annotations();
        for (int i = 0; i < notes.size(); i++) {
            budget.charge(ITEM_COST);
            annotations.add(notes.get(i));
        }
        ChunkAccumulator.mergeExtras(extras, d.extras());
    }

    private void appendIfPresent(TextBuffer buffer, String s) {
        if (s != null) {
            append(buffer, s);
        }
    }

    private void append(TextBuffer buffer, String s) {
        budget.charge(s.length());
        buffer.append(s);
    }

    private void applyToolCall(ToolCall f) {
        String id = f.id().orElse(null);
        CallState target;
        if (f.index().isPresent()) {
            target = atIndex(f.index().getAsInt(), id);
        } else if (id != null) {
            CallState same = withId(id);
            target = same != null ? same : create(nextIndex());
        } else if (lastCreated != null && !startsAnotherCall(lastCreated, f)) {
            target = lastCreated;
        } else {
            target = create(nextIndex());
        }
        merge(target, f);
    }

    /**
     * A fragment with neither index nor id starts a new call when it carries a name and the
     * latest call already has one with arguments (whole calls sent one after another, e.g.
     * {@code {"name":"a","arguments":"{\"x\":1}"}} then {@code {"name":"b",...}}), unless it
     * repeats the same name while the arguments so far are not yet a complete JSON value (a
     * server that repeats the name on every fragment).
     */
    private static boolean startsAnotherCall(CallState last, ToolCall f) {
        String name = f.name().orElse(null);
        if (name == null || last.name == null || last.arguments.length() == 0) {
            return false;
        }
        return !name.equals(last.name) || JsonValues.isCompleteObject(last.arguments.text());
    }

    /** The call a fragment with index {@code i} continues: the latest at {@code i}, unless its id differs. */
    private CallState atIndex(int i, String id) {
        CallState last = lastAt(i);
        boolean otherId = last != null && id != null && last.id != null && !last.id.equals(id);
        return last == null || otherId ? create(i) : last;
    }

    private void merge(CallState target, ToolCall f) {
        mergeNames(target, f.id().orElse(null), f.type().orElse(null), f.name().orElse(null));
        append(target.arguments, f.arguments());
    }

    /** The first id, type and name given win. */
    private static void mergeNames(CallState target, String id, String type, String name) {
        target.frozen = null;
        if (target.id == null) {
            target.id = id;
        }
        if (target.type == null) {
            target.type = type;
        }
        if (target.name == null) {
            target.name = name;
        }
    }

    private CallState lastAt(int i) {
        for (int k = calls.size() - 1; k >= 0; k--) {
            if (calls.get(k).index == i) {
                return calls.get(k);
            }
        }
        return null;
    }

    private CallState withId(String id) {
        for (CallState c : calls) {
            if (id.equals(c.id)) {
                return c;
            }
        }
        return null;
    }

    private int nextIndex() {
        return calls.isEmpty() ? 0 : calls.get(calls.size() - 1).index + 1;
    }

    private CallState create(int i) {
        budget.charge(ITEM_COST);
        CallState c = new CallState(i);
        int pos = calls.size();
        while (pos > 0 && calls.get(pos - 1).index > i) {
            pos--;
        }
        calls.add(pos, c);
        lastCreated = c;
        return c;
    }

    StreamingMessage.ChoiceState snapshot() {
        if (snapshot == null) {
            List<ToolCall> frozenCalls;
            if (calls.isEmpty()) {
                frozenCalls = List.of();
            } else {
                frozenCalls = new ArrayList<>(calls.size());
                for (CallState c : calls) {
                    frozenCalls.add(c.freeze());
                }
            }
            snapshot = new StreamingMessage.ChoiceState(index, rawRole, content.freeze(), reasoning.freeze(),
                    refusal.freeze(), List.copyOf(frozenCalls), functionCall == null ? null : functionCall.freeze(),
                    rawFinish, logprobs.freeze(), refusalLogprobs.freeze(), annotations.freeze(),
                    ChatJson.copy(extras));
        }
        return snapshot;
    }

    /** One call being accumulated. */
    private static final class CallState {
        final int index;
        String id;
        String type;
        String name;
        final TextBuffer arguments = new TextBuffer();
        ToolCall frozen;

        CallState(int index) {
            this.index = index;
        }

        ToolCall freeze() {
            if (frozen == null) {
                frozen = ToolCall.accumulated(index, id, type, name, arguments.freeze());
            }
            return frozen;
        }
    }
}
