import { isParseWorker, serveParseRequests } from "@stratavore/runner";
import { readCliEnv } from "./env.ts";
import { processIo } from "./io.ts";
import { buildProgram, runCli } from "./program.ts";

// `stratavore import` parses in worker threads that run this same file: they only parse.
if (isParseWorker()) serveParseRequests();
else main();

function main(): void {
  // The reader went away (`stratavore logs -f x | head`): stop quietly, as a SIGPIPE'd tool would.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(0);
  });

  const ctx = { env: readCliEnv(), io: processIo() };
  // exitCode rather than exit(): lets stdout drain when it is a pipe.
  void runCli(buildProgram(ctx), process.argv, ctx).then((code) => {
    process.exitCode = code;
  });
}
