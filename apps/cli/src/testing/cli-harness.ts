import { spawn, spawnSync } from "node:child_process";
import { expect, inject } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaller, hashPassword, type Context } from "@stratavore/api";
import type { Role, TokenScope } from "@stratavore/contracts";
import { createDb, insertUser, type Db } from "@stratavore/db";
import { uniqueEmail } from "@stratavore/db/testing";
import { hostPath, localContext, readEnv, startServer, type RunningServer } from "@stratavore/server/testing";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  configDir?: string;
  stdin?: string;
  env?: Record<string, string>;
}

/** A CLI process still running: read what it printed so far, type into it, await its end. */
export interface LiveRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once the stream's output so far matches; fails the test after `timeoutMs`. */
  waitFor: (pattern: RegExp, stream?: "stdout" | "stderr", timeoutMs?: number) => Promise<void>;
  write: (data: string) => void;
  signal: (sig: NodeJS.Signals) => void;
  result: Promise<RunResult>;
}

export interface Issued {
  email: string;
  token: string;
}

/**
 * A real server on a random port against the shared test database, the CLI built by the
 * real build script, and a way to mint users and tokens without going through the CLI.
 */
export class CliHarness {
  private constructor(
    readonly bin: string,
    readonly server: RunningServer,
    readonly db: Db,
    private readonly ctx: Omit<Context, "principal">,
    readonly tmp: string,
    private readonly passwordHash: string,
    /** Every issued user's password. */
    readonly password: string,
  ) {}

  static async start(databaseUrl: string): Promise<CliHarness> {
    const tmp = await mkdtemp(join(tmpdir(), "stratavore-cli-"));
    const secret = randomBytes(32).toString("base64url");
    const password = randomBytes(12).toString("hex");
    const bin = inject("cliPath");
    const passwordHash = await hashPassword(password);
    const env = readEnv([], {
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      PORT: "0",
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_SECRET: secret,
      // Unique, so a first-admin seed by this server never collides with other files' users.
      STRATAVORE_ADMIN_EMAIL: uniqueEmail("cli-first-admin"),
      STRATAVORE_ADMIN_PASSWORD: randomBytes(12).toString("hex"),
    });
    const server = await startServer(env, (level, msg, meta) => level === "error" && console.error(msg, meta), {
      web: false,
    });
    const db = createDb({ connectionString: databaseUrl, poolMax: 2 });
    const ctx = localContext(db, secret, server.deps.transcripts);
    return new CliHarness(bin, server, db, ctx, tmp, passwordHash, password);
  }

  /** A fresh user of this role and an API token of theirs. */
  async issue(role: Role, scopes: TokenScope[] = ["read", "write"]): Promise<Issued> {
    const user = await insertUser(this.db, {
      email: uniqueEmail(`cli-${role}`),
      name: `CLI ${role}`,
      role,
      passwordHash: this.passwordHash,
    });
    const caller = createCaller({ ...this.ctx, principal: { user, via: "session", scopes: ["read", "write"] } });
    const { secret } = await caller.apiTokens.create({ name: "cli test", scopes });
    return { email: user.email, token: secret };
  }

  async freshDir(name: string): Promise<string> {
    return mkdtemp(join(this.tmp, `${name}-`));
  }

  /** Runs the built binary with a minimal environment, so the developer's own login never leaks in. */
  /** Run options that make the CLI act as `who` (their API token) against this server. */
  as(who: Issued): RunOptions & { env: Record<string, string> } {
    return { env: { STRATAVORE_SERVER: this.server.url, STRATAVORE_TOKEN: who.token } };
  }

  /** The CLI as `who`. */
  runAs(who: Issued, args: string[]): Promise<RunResult> {
    return this.run(args, this.as(who));
  }

  /** `… --json` as `who`: exit 0 is expected, and the parsed output returned. */
  async jsonAs<T>(who: Issued, args: string[]): Promise<T> {
    const r = await this.runAs(who, [...args, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  }

  run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return collect(
      spawn(process.execPath, [this.bin, ...args], { env: this.childEnv(opts), stdio: "pipe" }),
      opts.stdin,
    );
  }

  /** Same, but under `script`, which gives the CLI a pseudo-terminal as stdin. */
  runInTty(args: string[], opts: RunOptions & { stdin: string }): Promise<RunResult> {
    const command = [process.execPath, this.bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const env = { ...this.childEnv(opts), SHELL: "/bin/sh" };
    return collect(spawn("script", ["-qec", command, "/dev/null"], { env, stdio: "pipe" }), opts.stdin);
  }

  /** Like run, but returns at once with stdin left open. */
  start(args: string[], opts: RunOptions = {}): LiveRun {
    return live(spawn(process.execPath, [this.bin, ...args], { env: this.childEnv(opts), stdio: "pipe" }));
  }

  /** Like runInTty, but live, and with a terminal of a known size (script's own is 0×0 without one). */
  startInTty(args: string[], opts: RunOptions & { cols?: number; rows?: number } = {}): LiveRun {
    const command = [process.execPath, this.bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const env = { ...this.childEnv(opts), SHELL: "/bin/sh" };
    const sized = `stty cols ${opts.cols ?? 100} rows ${opts.rows ?? 30}; exec ${command}`;
    return live(spawn("script", ["-qec", sized, "/dev/null"], { env, stdio: "pipe" }));
  }

  private childEnv(opts: RunOptions): NodeJS.ProcessEnv {
    return {
      NODE_ENV: "test",
      PATH: hostPath(),
      HOME: join(this.tmp, "home"),
      ...(opts.configDir ? { STRATAVORE_CONFIG_DIR: opts.configDir } : {}),
      ...opts.env,
    };
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.db.$disconnect();
    await rm(this.tmp, { recursive: true, force: true });
  }
}

function collect(child: ReturnType<typeof spawn>, stdin?: string): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin?.end(stdin ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function live(child: ReturnType<typeof spawn>): LiveRun {
  const out = { stdout: "", stderr: "" };
  const waiters = new Set<() => void>();
  const onData = (stream: "stdout" | "stderr") => (d: Buffer) => {
    out[stream] += d.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  const result = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ...out }));
  });
  return {
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    waitFor: (pattern, stream = "stdout", timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(out[stream])) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `timed out waiting for ${pattern} on ${stream}; stdout: ${JSON.stringify(out.stdout)} stderr: ${JSON.stringify(out.stderr)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void result.then(() => {
          if (waiters.has(check)) {
            done();
            if (pattern.test(out[stream])) resolve();
            else
              reject(
                new Error(
                  `exited before ${pattern} appeared on ${stream}; stdout: ${JSON.stringify(out.stdout)} stderr: ${JSON.stringify(out.stderr)}`,
                ),
              );
          }
        });
        check();
      }),
    write: (data) => void child.stdin?.write(data),
    signal: (sig) => void child.kill(sig),
    result,
  };
}

/** runInTty needs util-linux `script` (BSD `script` takes other flags). */
export const hasTtyRunner = (spawnSync("script", ["--version"], { encoding: "utf8" }).stdout ?? "").includes(
  "util-linux",
);

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
