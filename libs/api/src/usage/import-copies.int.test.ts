import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, inject, it } from "vitest";
import { createHarness } from "../testing/api-harness.ts";
import { importDirectory } from "../testing/import-directory.ts";
import { workerDatabase } from "@stratavore/db/testing";

const h = createHarness(workerDatabase(inject("databaseUrls")));
const dirs: string[] = [];
afterAll(async () => {
  await h.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** An assistant line as claude writes it (compact JSON), naming `sessionId` as its own. */
const line = (sessionId: string, id: string, output: number, at: string, cwd = "/work/copies") =>
  JSON.stringify({
    type: "assistant",
    sessionId,
    cwd,
    timestamp: at,
    requestId: `req_${id}`,
    message: { id, model: "claude-sonnet-4-5", usage: { input_tokens: 10, output_tokens: output } },
  });

/**
 * A session `original` with two responses, and `resumed`, whose file repeats both under the
 * original's id (the second as a larger, later snapshot) before one response of its own.
 */
async function corpus(original: string, resumed: string, tag: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "stratavore-copies-"));
  dirs.push(root);
  const folder = join(root, "-work-copies");
  await mkdir(folder);
  await writeFile(
    join(folder, `${original}.jsonl`),
    [
      line(original, `msg_${tag}_1`, 100, "2026-11-20T10:00:00Z"),
      line(original, `msg_${tag}_2`, 200, "2026-11-20T10:01:00Z"),
    ].join("\n") + "\n",
  );
  await writeFile(
    join(folder, `${resumed}.jsonl`),
    [
      line(original, `msg_${tag}_1`, 100, "2026-11-20T10:00:00Z"),
      line(original, `msg_${tag}_2`, 250, "2026-11-20T10:01:00Z"),
      line(resumed, `msg_${tag}_3`, 300, "2026-11-21T09:00:00Z"),
    ].join("\n") + "\n",
  );
  return root;
}

const importAll = async (root: string) => importDirectory((await h.as("operator")).api, root);

const outputBySession = async (ids: string[]) => {
  const rows = await h.db.usageRecord.findMany({
    where: { sessionId: { in: ids } },
    select: { sessionId: true, outputTokens: true },
  });
  const by: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const r of rows) if (r.sessionId) by[r.sessionId] = (by[r.sessionId] ?? 0) + Number(r.outputTokens);
  return by;
};

// Both orders of the file names: imports read sessions sorted by id, and the resumed session's
// file used to take the responses whenever its id sorted first (the accounting review: three
// sessions showed $0, their spend under the sessions that resumed them).
for (const [name, original, resumed] of [
  [
    "the resumed session's id sorts first",
    "f0000000-0000-4000-8000-000000000001",
    "a0000000-0000-4000-8000-000000000002",
  ],
  ["the original's id sorts first", "b0000000-0000-4000-8000-000000000003", "e0000000-0000-4000-8000-000000000004"],
] as const)
  it(`each response is counted in the session that made it, whichever file is read first (${name}); importing again changes nothing`, async () => {
    const tag = original.slice(0, 2);
    const root = await corpus(original, resumed, tag);
    await importAll(root);
    // By hand: the original made responses 1 and 2 (100 + the larger 250), the resumed one response 3.
    expect(await outputBySession([original, resumed])).toEqual({ [original]: 350, [resumed]: 300 });
    expect(await importAll(root)).toBe(0);
    expect(await outputBySession([original, resumed])).toEqual({ [original]: 350, [resumed]: 300 });
  });

it("a copy counted in another project stays there: an import does not pull spend out of another project's budgets", async () => {
  const [original, resumed] = ["f1000000-0000-4000-8000-000000000005", "a1000000-0000-4000-8000-000000000006"];
  const root = await mkdtemp(join(tmpdir(), "stratavore-copies-"));
  dirs.push(root);
  for (const [folder, cwd, session, lines] of [
    ["-work-copies", "/work/copies", original, [line(original, "msg_x1", 100, "2026-11-20T10:00:00Z")]],
    [
      "-work-a-elsewhere",
      "/work/a-elsewhere",
      resumed,
      [line(original, "msg_x1", 100, "2026-11-20T10:00:00Z", "/work/a-elsewhere")],
    ],
  ] as const) {
    await mkdir(join(root, folder));
    await writeFile(join(root, folder, `${session}.jsonl`), `${lines.join("\n")}\n`.replaceAll("/work/copies", cwd));
  }
  await importAll(root);
  // The copy's folder is read first (it sorts first); the original's project is another one.
  expect(await outputBySession([original, resumed])).toEqual({ [original]: 0, [resumed]: 100 });
});
