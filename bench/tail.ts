/**
 * bench/tail: can one agent's transcript tailing keep up with 100 runners writing at once?
 * A writer child process appends, to 100 session transcripts, a turn every `--every` ms each
 * (a user line, an attachment of `--kb` KB, one assistant response streamed as two lines),
 * for `--seconds`. This process tails them as the agent does (a TranscriptTailer per runner,
 * polled every 100 ms, the budget-allowance interval) and measures how long after a response
 * was written it was read, and the CPU it took — against the writer's own CPU as the baseline
 * of simply producing that much transcript.
 *   node --import tsx bench/tail.ts [--runners 100] [--every 500] [--kb 20] [--seconds 20]
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectTranscriptDir, TranscriptTailer } from "@stratavore/runner";

const { values } = parseArgs({
  options: {
    runners: { type: "string", default: "100" },
    every: { type: "string", default: "500" },
    kb: { type: "string", default: "20" },
    seconds: { type: "string", default: "20" },
    writer: { type: "boolean", default: false },
    dir: { type: "string" },
  },
});
const runners = Number(values.runners),
  everyMs = Number(values.every),
  kb = Number(values.kb),
  seconds = Number(values.seconds);

if (values.writer) {
  // The child: appends turns round-robin; a response's `timestamp` is when it was written.
  const { appendFileSync } = await import("node:fs");
  const files = JSON.parse(process.env.BENCH_FILES ?? "[]") as string[];
  const filler = "x".repeat(kb * 1024);
  const until = Date.now() + seconds * 1000;
  const tick = everyMs / files.length;
  let i = 0;
  const cpu0 = process.cpuUsage();
  while (Date.now() < until) {
    const file = files[i++ % files.length]!;
    const id = `msg_${randomUUID()}`;
    const now = () => new Date().toISOString();
    const usage = (output: number) => ({
      input_tokens: 5,
      output_tokens: output,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 5000,
    });
    const assistant = (output: number) =>
      JSON.stringify({
        type: "assistant",
        uuid: randomUUID(),
        timestamp: now(),
        requestId: `req_${id}`,
        message: {
          id,
          model: "claude-sonnet-4-5",
          role: "assistant",
          content: [{ type: "text", text: "ok" }],
          usage: usage(output),
        },
      });
    appendFileSync(
      file,
      `${JSON.stringify({ type: "user", uuid: randomUUID(), timestamp: now(), message: { role: "user", content: "go on" } })}\n${JSON.stringify({ type: "attachment", uuid: randomUUID(), content: filler })}\n${assistant(10)}\n${assistant(200)}\n`,
    );
    await new Promise((r) => setTimeout(r, tick));
  }
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000 });
  process.exit(0);
}

const config = values.dir ?? (await mkdtemp(join(tmpdir(), "stratavore-bench-tail-")));
const cwd = "/bench/checkout";
await mkdir(projectTranscriptDir(config, cwd), { recursive: true });
const sessions = Array.from({ length: runners }, () => randomUUID());
const tailers = sessions.map((sessionId) => new TranscriptTailer({ configDir: config, cwd, sessionId }));
const files = tailers.map((t) => t.mainPath);

const lags: number[] = [];
let responses = 0;
let bytes = 0;
const cpu0 = process.cpuUsage();
const writer = fork(
  import.meta.filename,
  [
    "--writer",
    "--runners",
    String(runners),
    "--every",
    String(everyMs),
    "--kb",
    String(kb),
    "--seconds",
    String(seconds),
  ],
  { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_FILES: JSON.stringify(files) } },
);
const writerCpu = new Promise<number>((resolve) => writer.on("message", (m: { cpuMs: number }) => resolve(m.cpuMs)));
const done = new Promise<void>((resolve) => writer.on("exit", () => resolve()));
let running = true;
void done.then(() => (running = false));
const started = Date.now();
while (running || Date.now() - started < seconds * 1000 + 500) {
  const t0 = Date.now();
  for (const t of tailers) {
    const poll = await t.poll();
    bytes += poll.bytesRead;
    for (const r of poll.records) {
      if (r.outputTokens !== 200) continue; // the response's final line
      responses += 1;
      lags.push(Date.now() - Date.parse(r.occurredAt));
    }
  }
  await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t0))));
  if (!running) break;
}
const cpu = process.cpuUsage(cpu0);
const tailCpuMs = (cpu.user + cpu.system) / 1000;
const pct = (p: number) =>
  [...lags].sort((a, b) => a - b)[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? 0;
const wCpu = await writerCpu;
console.log(`${runners} transcripts, a turn every ${everyMs} ms each (${kb} KB attachment), ${seconds} s`);
console.log(
  `  read ${(bytes / 1048576).toFixed(1)} MB, ${responses} responses (${(responses / seconds).toFixed(0)}/s)`,
);
console.log(`  lag from write to read: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms (polled every 100 ms)`);
console.log(
  `  tailer CPU ${(tailCpuMs / 1000).toFixed(2)} s = ${((tailCpuMs / (seconds * 1000)) * 100).toFixed(1)} % of a core; ${(tailCpuMs / wCpu).toFixed(2)}× the writer's own CPU (${(wCpu / 1000).toFixed(2)} s)`,
);
if (!values.dir) await rm(config, { recursive: true, force: true });
