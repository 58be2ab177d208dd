import { readCliEnv } from "./env.ts";
import { processIo } from "./io.ts";
import { buildProgram, runCli } from "./program.ts";

const ctx = { env: readCliEnv(), io: processIo() };
// exitCode rather than exit(): lets stdout drain when it is a pipe.
runCli(buildProgram(ctx), process.argv, ctx).then((code) => {
  process.exitCode = code;
});
