import { readEnv } from "./env.ts";
import { createLogger } from "./logger.ts";
import { startLocalAgent } from "./local-agent.ts";
import { startServer } from "./server.ts";

/** `npm start` / `npm run dev` entry: one process, one port, clean exit on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const env = readEnv();
  const log = createLogger(env.logLevel);
  const t0 = Date.now();
  const server = await startServer(env, log, {
    web: env.serveDashboard,
    onFirstAdmin: (admin) => {
      const lines = ["", `  First admin: ${admin.email}`];
      if (admin.generated) lines.push(`  Password:    ${admin.password}   (shown once; change it in Settings → Users)`);
      process.stdout.write(lines.join("\n") + "\n");
    },
  });
  const agent = env.localAgent
    ? await startLocalAgent({
        repoRoot: env.repoRoot,
        dataDir: env.dataDir,
        serverUrl: server.url,
        deps: server.deps,
        log,
        env: env.childEnv,
        claudeBin: env.claudeBin,
        passEnv: env.agentPassEnv,
      })
    : null;
  const out: string[] = [
    "",
    `  Stratavore is running at ${server.url}  (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  ];
  if (agent) out.push("  A local agent runs Claude Code on this machine (STRATAVORE_LOCAL_AGENT=false to skip).");
  out.push("  Stop with Ctrl-C.", "");
  process.stdout.write(out.join("\n") + "\n");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    (agent ? agent.stop() : Promise.resolve())
      .then(() => server.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log("error", "shutdown failed", { error: String(err) });
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`stratavore: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
