/** Replaced by `true` in the bundle `npm start` runs (scripts/build-server.ts); undeclared when the sources run under tsx. */
declare const __STRATAVORE_BUNDLED__: boolean | undefined;

/** Whether this server runs bundled on plain Node (no TypeScript loader in the process). */
export const RUNS_BUNDLED = typeof __STRATAVORE_BUNDLED__ === "boolean";
