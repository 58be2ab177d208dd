import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertRunner } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { hostPath } from "@stratavore/server/testing";
import { CliHarness, type Issued } from "./testing/cli-harness.ts";

/**
 * Shell completion in real shells: the script `stratavore completion <shell>` prints is loaded
 * into bash, fish and zsh, which call the built CLI on PATH for each Tab, against a live server.
 */
let h: CliHarness;
let who: Issued;
let bin: string;
let scripts: Record<"bash" | "zsh" | "fish", string>;
let project: string;
let runnerId: string;

/**
 * Runs `shell args` with the CLI on PATH, logged in through the environment (or not). Never
 * spawnSync: the server lives in this process and must keep answering while the shell runs.
 */
async function inShell(shell: string, args: string[], loggedIn: boolean | string = true): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH: `${bin}:${hostPath()}`,
    HOME: join(h.tmp, "home"),
  };
  // true: this test's server; a string: that server URL instead (one that never answers).
  const server = typeof loggedIn === "string" ? loggedIn : h.server.url;
  if (loggedIn) Object.assign(env, { STRATAVORE_SERVER: server, STRATAVORE_TOKEN: who.token });
  const { stdout } = await promisify(execFile)(shell, args, { encoding: "utf8", env, timeout: 30_000 });
  return stdout;
}

/** bash's own completion: COMP_WORDS/COMP_CWORD as bash sets them on Tab, then the function bash would call. */
async function bashComplete(line: string, loggedIn: boolean | string = true): Promise<string[]> {
  const words = line.split(" ");
  const array = words.map((w) => `'${w}'`).join(" ");
  const script = `source '${scripts.bash}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _stratavore_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return (await inShell("bash", ["-c", script], loggedIn)).split("\n").filter(Boolean);
}

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  who = await h.issue("operator", ["read", "write"]);
  bin = join(h.tmp, "bin");
  await mkdir(bin, { recursive: true });
  // The scripts call `stratavore` by name, as an installed CLI is called.
  await writeFile(join(bin, "stratavore"), `#!/bin/sh\nexec '${process.execPath}' '${h.bin}' "$@"\n`);
  await chmod(join(bin, "stratavore"), 0o755);
  scripts = { bash: "", zsh: "", fish: "" };
  for (const shell of ["bash", "zsh", "fish"] as const) {
    const r = await h.run(["completion", shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = join(h.tmp, `completion.${shell}`);
    await writeFile(scripts[shell], r.stdout);
  }
  project = uniqueSlug("compl");
  const created = await h.runAs(who, ["projects", "create", project, "--path", h.tmp, "--json"]);
  expect(created.code, created.stderr).toBe(0);
  const projectId = (JSON.parse(created.stdout) as { id: string }).id;
  runnerId = (await insertRunner(h.db, { projectId, status: "terminated" })).id;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("stratavore completion", () => {
  it("bash completes commands, subcommands, flags and choices from the CLI's own command tree", async () => {
    expect(await bashComplete("stratavore pro")).toEqual(["projects"]);
    expect(await bashComplete("stratavore runners ")).toEqual(expect.arrayContaining(["list", "show"]));
    expect(await bashComplete("stratavore st")).toEqual(expect.arrayContaining(["stop"]));
    expect(await bashComplete("stratavore projects list --j")).toEqual(["--json"]);
    expect(await bashComplete("stratavore projects list --status ")).toEqual(
      expect.arrayContaining(["active", "archived"]),
    );
    expect(await bashComplete("stratavore completion ")).toEqual(["bash", "zsh", "fish", "powershell"]);
  });

  it("bash completes live project names and runner ids from the server", async () => {
    expect(await bashComplete(`stratavore launch ${project.slice(0, -2)}`)).toEqual([project]);
    expect(await bashComplete(`stratavore runners list --project ${project.slice(0, -2)}`)).toEqual([project]);
    expect(await bashComplete(`stratavore runners show ${runnerId.slice(0, 8)}`)).toEqual([runnerId]);
  });

  it("without a login it still completes commands, silently", async () => {
    expect(await bashComplete("stratavore pro", false)).toEqual(["projects"]);
    expect(await bashComplete(`stratavore launch ${project.slice(0, -2)}`, false)).toEqual([]);
  });

  it("a server that accepts but never answers costs one Tab at most about 2 s, then offers what it can", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const t0 = Date.now();
      expect(await bashComplete(`stratavore launch ${project.slice(0, -2)}`, url)).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(6_000);
      expect(await bashComplete("stratavore la", url)).toEqual(["launch"]);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it("fish completes through its own completion engine (complete -C)", async () => {
    const out = await inShell("fish", [
      "-c",
      `source '${scripts.fish}'; complete -C 'stratavore launch ${project.slice(0, -2)}'`,
    ]);
    expect(out.split("\n").filter(Boolean)).toEqual([project]);
    expect((await inShell("fish", ["-c", `source '${scripts.fish}'; complete -C 'stratavore usa'`])).trim()).toBe(
      "usage",
    );
  });

  it("zsh runs the completion function with the words zsh passes it", async () => {
    // compinit needs a terminal; its compdef and compadd are stood in for, the function itself is real zsh.
    const script = `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; source '${scripts.zsh}'; words=(stratavore launch ${project.slice(0, -2)}); CURRENT=3; _stratavore`;
    expect((await inShell("zsh", ["-f", "-c", script])).split("\n").filter(Boolean)).toEqual([project]);
    expect(spawnSync("zsh", ["-n", scripts.zsh]).status).toBe(0);
  });
});
