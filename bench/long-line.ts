/**
 * bench/long-line: does reading a transcript stay linear in the length of one line? A pasted
 * file or an image can make a line of tens of MB; the first review's 200 MB line took minutes
 * (each chunk joined the line so far again, and the title was cut from the whole prompt). Each
 * size is read three ways — the import's usage parse, the import's archive stream, the live
 * tailer — and the time per MB at each size is printed beside the smallest size's, in one run:
 * linear reading keeps the ratio near 1.
 *   node --import tsx bench/long-line.ts [--mb 8,32,128]
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseSessionFiles, projectTranscriptDir, streamSessionFiles, TranscriptTailer } from "@stratavore/runner";

const { values } = parseArgs({ options: { mb: { type: "string", default: "8,32,128" } } });
const sizes = values.mb.split(",").map(Number);
const cwd = "/srv/long-line";

async function transcript(configDir: string, mb: number): Promise<string> {
  const sessionId = randomUUID();
  const dir = projectTranscriptDir(configDir, cwd);
  await mkdir(dir, { recursive: true });
  const prompt = "lorem ipsum ".repeat(Math.ceil((mb * 1024 * 1024) / 12));
  const user = {
    type: "user",
    sessionId,
    cwd,
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
    message: { role: "user", content: prompt },
  };
  const reply = {
    type: "assistant",
    sessionId,
    cwd,
    uuid: randomUUID(),
    requestId: "req_1",
    timestamp: new Date().toISOString(),
    message: { id: `msg_${sessionId}`, model: "claude-sonnet-4-5", usage: { input_tokens: 10, output_tokens: 5 } },
  };
  await writeFile(join(dir, `${sessionId}.jsonl`), `${JSON.stringify(user)}\n${JSON.stringify(reply)}\n`);
  return sessionId;
}

const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const configDir = await mkdtemp(join(tmpdir(), "bench-long-line-"));
try {
  const rows: { mb: number; parse: number; stream: number; tail: number }[] = [];
  for (const mb of sizes) {
    const sessionId = await transcript(configDir, mb);
    const file = join(projectTranscriptDir(configDir, cwd), `${sessionId}.jsonl`);
    const parse = await time(async () => {
      const p = await parseSessionFiles([file], sessionId);
      if (p.records.length !== 1) throw new Error(`expected 1 response, parsed ${p.records.length}`);
    });
    const stream = await time(() => streamSessionFiles([file], sessionId, async () => {}, 500, [0]));
    const tail = await time(async () => {
      const poll = await new TranscriptTailer({ configDir, cwd, sessionId }).poll();
      if (poll.records.length !== 1) throw new Error(`expected 1 response, tailed ${poll.records.length}`);
    });
    rows.push({ mb, parse, stream, tail });
  }
  const base = rows[0]!;
  console.log("line MB | import parse ms (per-MB ratio) | archive stream ms (ratio) | live tailer ms (ratio)");
  for (const r of rows) {
    const ratio = (ms: number, baseMs: number) => (ms / r.mb / (baseMs / base.mb)).toFixed(2);
    console.log(
      `${r.mb} | ${r.parse.toFixed(0)} (${ratio(r.parse, base.parse)}) | ${r.stream.toFixed(0)} (${ratio(r.stream, base.stream)}) | ${r.tail.toFixed(0)} (${ratio(r.tail, base.tail)})`,
    );
  }
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await rm(configDir, { recursive: true, force: true });
}
