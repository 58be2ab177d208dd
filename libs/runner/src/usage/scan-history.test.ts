import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { parseSessionFiles, scanHistory, transcriptFileLabel, type HistorySession } from "./scan-history.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const S1 = "11111111-1111-4111-8111-111111111111";
const S2 = "22222222-2222-4222-8222-222222222222";
const S3 = "33333333-3333-4333-8333-333333333333";

/** An assistant line of `sessionId`: one response, `input` tokens in and 1 out. */
const response = (sessionId: string, id: string, input: number, sidechain: boolean) =>
  JSON.stringify({
    type: "assistant",
    isSidechain: sidechain,
    sessionId,
    cwd: "/home/u/proj",
    timestamp: "2026-11-20T10:00:00.000Z",
    requestId: `req_${id}`,
    message: { id, model: "claude-sonnet-4-5", usage: { input_tokens: input, output_tokens: 1 } },
  }) + "\n";

it("finds sub-agent files in both of Claude Code's layouts, and sessions known only from them", async () => {
  const root = await mkdtemp(join(tmpdir(), "scan-history-"));
  dirs.push(root);
  const folder = join(root, "-home-u-proj");
  await mkdir(join(folder, S1, "subagents"), { recursive: true });
  await mkdir(join(folder, S2, "subagents"), { recursive: true });
  // S1: its file, a sub-agent in <session>/subagents/ (2.1.2 on) and one beside it (before).
  await writeFile(join(folder, `${S1}.jsonl`), response(S1, "msg_a", 10, false));
  await writeFile(join(folder, S1, "subagents", "agent-new.jsonl"), response(S1, "msg_b", 20, true));
  // The old layout's file names its session on a later line: the first is a summary.
  await writeFile(
    join(folder, "agent-0ld1.jsonl"),
    '{"type":"summary","summary":"s"}\n' + response(S1, "msg_c", 40, true) + response(S1, "msg_a", 10, true),
  );
  // S2: only a sub-agent folder; S3: only an old-layout file.
  await writeFile(join(folder, S2, "subagents", "agent-x.jsonl"), response(S2, "msg_d", 80, true));
  await writeFile(join(folder, "agent-0ld2.jsonl"), response(S3, "msg_e", 160, true));
  // Not a session's: an old-layout file naming none, one naming a non-uuid, an empty folder.
  await writeFile(join(folder, "agent-0ld3.jsonl"), '{"type":"summary","summary":"s"}\n');
  await writeFile(join(folder, "agent-0ld4.jsonl"), response("not-a-session", "msg_f", 320, true));
  await mkdir(join(folder, "44444444-4444-4444-8444-444444444444"));

  const found: HistorySession[] = [];
  for await (const s of scanHistory(root)) found.push(s);
  const at = (...p: string[]) => join(folder, ...p);
  expect(found).toEqual([
    {
      projectDir: "-home-u-proj",
      sessionId: S1,
      cwd: "/home/u/proj",
      files: [at(`${S1}.jsonl`), at(S1, "subagents", "agent-new.jsonl"), at("agent-0ld1.jsonl")],
    },
    { projectDir: "-home-u-proj", sessionId: S2, cwd: "/home/u/proj", files: [at(S2, "subagents", "agent-x.jsonl")] },
    { projectDir: "-home-u-proj", sessionId: S3, cwd: "/home/u/proj", files: [at("agent-0ld2.jsonl")] },
  ]);
  // The main transcript is told by its name, not its place in the list.
  expect(found.map((s) => s.files.map((f) => transcriptFileLabel(f, s.sessionId)))).toEqual([
    ["", "agent-new.jsonl", "agent-0ld1.jsonl"],
    ["agent-x.jsonl"],
    ["agent-0ld2.jsonl"],
  ]);

  // Each response once: S1 10 + 20 + 40 (msg_a's replay in the old file is the same response).
  const inputOf = async (s: HistorySession) =>
    (await parseSessionFiles(s.files, s.sessionId)).records.reduce((n, r) => n + r.inputTokens, 0);
  expect(await Promise.all(found.map(inputOf))).toEqual([70, 80, 160]);
});

it("gives a pre-2.1.2 sub-agent file in another project folder to its session, found once", async () => {
  const root = await mkdtemp(join(tmpdir(), "scan-history-"));
  dirs.push(root);
  const [a, b] = [join(root, "-a"), join(root, "-b")];
  await mkdir(a);
  await mkdir(b);
  // S1's own file is in -b; a sub-agent file of it in -a (sorted first). S2 is known only from
  // old-layout files in both folders.
  await writeFile(join(b, `${S1}.jsonl`), response(S1, "msg_a", 10, false));
  await writeFile(join(a, "agent-1.jsonl"), response(S1, "msg_b", 20, true));
  await writeFile(join(a, "agent-2.jsonl"), response(S2, "msg_c", 40, true));
  await writeFile(join(b, "agent-3.jsonl"), response(S2, "msg_d", 80, true));

  const found: HistorySession[] = [];
  for await (const s of scanHistory(root)) found.push(s);
  expect(found).toEqual([
    {
      projectDir: "-a",
      sessionId: S2,
      cwd: "/home/u/proj",
      files: [join(a, "agent-2.jsonl"), join(b, "agent-3.jsonl")],
    },
    { projectDir: "-b", sessionId: S1, cwd: "/home/u/proj", files: [join(b, `${S1}.jsonl`), join(a, "agent-1.jsonl")] },
  ]);
});

it("reads the whole subagents/ tree (claude 2.1.328 nests runs in folders), labels each by its path there, and follows no symlink", async () => {
  const root = await mkdtemp(join(tmpdir(), "scan-history-"));
  dirs.push(root);
  const folder = join(root, "-home-u-proj");
  const sub = join(folder, S1, "subagents");
  await mkdir(join(sub, "run-1", "deeper"), { recursive: true });
  await writeFile(join(folder, `${S1}.jsonl`), response(S1, "msg_a", 1, false));
  await writeFile(join(sub, "agent-top.jsonl"), response(S1, "msg_b", 2, true));
  await writeFile(join(sub, "run-1", "agent-mid.jsonl"), response(S1, "msg_c", 4, true));
  await writeFile(join(sub, "run-1", "deeper", "agent-deep.jsonl"), response(S1, "msg_d", 8, true));
  // Elsewhere on disk, reached only through a link: not this session's.
  const outside = await mkdtemp(join(tmpdir(), "scan-history-outside-"));
  dirs.push(outside);
  await writeFile(join(outside, "agent-out.jsonl"), response(S1, "msg_e", 16, true));
  await symlink(outside, join(sub, "linked"));

  const found: HistorySession[] = [];
  for await (const s of scanHistory(root)) found.push(s);
  expect(found.map((s) => s.files.map((f) => transcriptFileLabel(f, s.sessionId)))).toEqual([
    ["", "agent-top.jsonl", "run-1/agent-mid.jsonl", "run-1/deeper/agent-deep.jsonl"],
  ]);
  const parsed = await parseSessionFiles(found[0]!.files, S1);
  expect(parsed.records.reduce((n, r) => n + r.inputTokens, 0)).toBe(1 + 2 + 4 + 8);
});

it("names every .jsonl file it does not read (copies, backups, files at the top, an agent file naming no session), and nothing it reads", async () => {
  const root = await mkdtemp(join(tmpdir(), "scan-history-"));
  dirs.push(root);
  const folder = join(root, "-home-u-proj");
  await mkdir(join(folder, S1, "subagents"), { recursive: true });
  await mkdir(join(folder, "backup", "deeper"), { recursive: true });
  await writeFile(join(folder, `${S1}.jsonl`), response(S1, "msg_a", 10, false));
  await writeFile(join(folder, S1, "subagents", "agent-new.jsonl"), response(S1, "msg_b", 20, true));
  await writeFile(join(folder, "agent-0ld1.jsonl"), response(S1, "msg_c", 40, true));
  await writeFile(join(folder, `copy-of-${S1}.jsonl`), response(S1, "msg_a", 10, false));
  await writeFile(join(folder, "agent-nobody.jsonl"), '{"type":"summary","summary":"s"}\n');
  await writeFile(join(folder, "backup", `${S2}.jsonl`), response(S2, "msg_d", 5, false));
  await writeFile(join(folder, "notes.txt"), "not a transcript\n");
  await writeFile(join(root, `${S3}.jsonl`), response(S3, "msg_e", 7, false));

  const skipped: string[] = [];
  const sessions: HistorySession[] = [];
  for await (const s of scanHistory(root, (path) => skipped.push(path))) sessions.push(s);

  expect(sessions.map((s) => s.sessionId)).toEqual([S1]);
  expect(skipped.sort()).toEqual(
    [
      join(root, `${S3}.jsonl`),
      join(folder, "agent-nobody.jsonl"),
      join(folder, "backup", `${S2}.jsonl`),
      join(folder, `copy-of-${S1}.jsonl`),
    ].sort(),
  );
});

it("names a file called like a session that is no transcript inside (binary, text, a JSON array, broken objects), and keeps empty, huge-line, CRLF, damaged-first-line and half-written ones", async () => {
  const root = await mkdtemp(join(tmpdir(), "scan-history-"));
  dirs.push(root);
  const folder = join(root, "-home-u-proj");
  await mkdir(folder);
  const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;
  const file = (n: number) => join(folder, `${id(n)}.jsonl`);
  await writeFile(file(1), Buffer.from([0x7b, 0x00, 0x01, 0xff, 0x0a]));
  await writeFile(file(2), "# my notes\nnot a transcript\n");
  await writeFile(file(3), '[{"type":"user"}]\n');
  await writeFile(file(4), '{not json}\n{"also": broken\n');
  await writeFile(file(5), "");
  // A first line longer than what is sniffed: a pasted 100 KB prompt.
  await writeFile(file(6), JSON.stringify({ type: "user", message: { content: "x".repeat(100_000) } }) + "\n");
  await writeFile(file(7), "\r\n" + response(id(7), "msg_a", 1, false).replace("\n", "\r\n"));
  // A first line cut short, then whole ones: still a transcript (its later lines count).
  await writeFile(file(8), '{"type":"user", "cut sh\n' + response(id(8), "msg_b", 1, false));
  // A damaged first line before one longer than the sniff; a first line still being written.
  await writeFile(file(9), '{"type":"user", "cut sh\n' + response(id(9), "x".repeat(100_000), 1, false));
  await writeFile(file(0), '{"type":"user","message":{"content":"half wri');

  const skipped: string[] = [];
  const sessions: HistorySession[] = [];
  for await (const s of scanHistory(root, (path) => skipped.push(path))) sessions.push(s);
  expect(skipped.sort()).toEqual([file(1), file(2), file(3), file(4)]);
  expect(sessions.map((s) => s.sessionId)).toEqual([id(0), id(5), id(6), id(7), id(8), id(9)]);
});
