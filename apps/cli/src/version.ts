// Injected by scripts/build-cli.ts from package.json, so the bundle does not embed the whole manifest.
declare const __STRATAVORE_VERSION__: string | undefined;

export const CLI_VERSION = typeof __STRATAVORE_VERSION__ === "string" ? __STRATAVORE_VERSION__ : "0.0.0-dev";
