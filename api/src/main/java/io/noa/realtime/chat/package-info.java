/**
 * Streaming chat completions: the request model ({@link io.noa.realtime.chat.Message},
 * {@link io.noa.realtime.chat.Role}), the decoded wire model ({@link io.noa.realtime.chat.StreamChunk},
 * {@link io.noa.realtime.chat.Choice}, {@link io.noa.realtime.chat.Delta},
 * {@link io.noa.realtime.chat.ToolCall}, {@link io.noa.realtime.chat.Usage}), the pluggable
 * {@link io.noa.realtime.chat.ChunkDecoder} (OpenAI {@code chat.completion.chunk} by default) and the
 * {@link io.noa.realtime.chat.ChunkAccumulator} that folds chunks into immutable
 * {@link io.noa.realtime.chat.StreamingMessage} snapshots.
 *
 * <p>Accumulation is by field, never by chunk type: every chunk is treated the same way (deltas are
 * appended, the last non-null usage wins, finish reasons are recorded), so the quirks of servers that
 * call themselves "OpenAI-compatible" (usage on the finish chunk, filter chunks after the finish,
 * tool calls without an index, {@code reasoning} versus {@code reasoning_content}, errors in seven
 * shapes, truncated streams) all give the right message.
 *
 * <p>Value types in this package are immutable and thread-safe; builders and the accumulator are not
 * thread-safe and must be confined to one thread at a time.
 */
package io.noa.realtime.chat;
