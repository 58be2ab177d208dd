import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { buildCli } from "../../../../scripts/build-cli.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The `stratavore` CLI bundled from this checkout, once per run. */
    cliPath: string;
  }
}

/**
 * Built once before any file runs: files run two at a time, and one rebuilding the bundle
 * while another executes it would run a half-written file.
 */
export default async function setup(project: TestProject) {
  project.provide("cliPath", await buildCli());
}
