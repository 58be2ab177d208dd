// A ParsePool worker for hosts that run the TypeScript sources under tsx (bench/parse, tests):
// a worker thread does not inherit the tsx loader, so it registers it first. The bundled CLI
// needs none of this: its workers run the CLI's own file (apps/cli/src/main.ts).
import { register } from "tsx/esm/api";

register();
const { serveParseRequests } = await import("./parse-pool.ts");
serveParseRequests();
