export interface EmbeddingsConfig {
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or a local server. */
  url: string;
  model: string;
  apiKey?: string;
}

/** POST {url}/embeddings with OpenAI's request and response shapes. */
export async function embed(cfg: EmbeddingsConfig, text: string): Promise<number[]> {
  const res = await fetch(`${cfg.url.replace(/\/+$/, "")}/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {}) },
    body: JSON.stringify({ model: cfg.model, input: text }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`embeddings endpoint answered ${res.status}`);
  const body = (await res.json()) as { data?: Array<{ embedding?: number[] }> };
  const vector = body.data?.[0]?.embedding;
  if (!Array.isArray(vector) || vector.length === 0) throw new Error("embeddings endpoint returned no vector");
  return vector;
}
