/**
 * An assistant transcript line as claude 2.1.328 writes it: 10 input, `output` output, 5 cache
 * read and `total` cache writes split 5m/1h as `split` — [0, 0] when the API sent the total alone.
 */
export function assistantLine(o: {
  id: string;
  sessionId: string;
  timestamp: string;
  total: number;
  split: [number, number];
  output?: number;
  uuid?: string;
}): string {
  return JSON.stringify({
    type: "assistant",
    sessionId: o.sessionId,
    ...(o.uuid ? { uuid: o.uuid } : {}),
    timestamp: o.timestamp,
    requestId: `req_${o.id}`,
    message: {
      id: o.id,
      model: "claude-sonnet-4-5",
      usage: {
        input_tokens: 10,
        output_tokens: o.output ?? 40,
        cache_creation_input_tokens: o.total,
        cache_read_input_tokens: 5,
        cache_creation: { ephemeral_5m_input_tokens: o.split[0], ephemeral_1h_input_tokens: o.split[1] },
      },
    },
  });
}
