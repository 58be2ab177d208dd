import { readFileSync } from "node:fs";
import { join } from "node:path";
import { podman, podmanOk, ULIMITS } from "./podman.ts";

export interface BuildOptions {
  root: string;
  dockerfile: string;
  tag: string;
  logFile: string;
  buildArgs?: Record<string, string>;
  /** A CA bundle the build must trust (a TLS-intercepting proxy between it and npm). */
  caBundle?: string;
  /**
   * A stage to tag as well: a tagged stage survives pruneSuperseded, so `npm ci` (minutes, and
   * the only step that needs the network) runs again only when package.json or the lock changes.
   */
  keepStage?: { target: string; tag: string };
}

/**
 * `podman build` from the repository root. --pull=never: the base image is local. Docker format,
 * because OCI images drop HEALTHCHECK. Returns the image size.
 */
export async function buildImage(o: BuildOptions): Promise<string> {
  const args = ["build", "--pull=never", "--format", "docker", ...ULIMITS, "-f", o.dockerfile];
  if (o.caBundle) args.push("--secret", `id=build-ca,src=${o.caBundle}`);
  for (const [name, value] of Object.entries(o.buildArgs ?? {})) args.push("--build-arg", `${name}=${value}`);
  if (o.keepStage) await build([...args, "--target", o.keepStage.target, "-t", o.keepStage.tag, o.root], o.logFile);
  await build([...args, "-t", o.tag, o.root], o.logFile);
  const bytes = Number((await podmanOk(["image", "inspect", "--format", "{{.Size}}", o.tag])).trim());
  return `${o.tag}, ${(bytes / 1e9).toFixed(2)} GB`;
}

async function build(args: string[], logFile: string): Promise<void> {
  const res = await podman(args, { logFile });
  if (res.code === 0) return;
  const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-25).join("\n");
  throw new Error(`podman build exited ${res.code}; the end of ${logFile}:\n${tail}`);
}

/**
 * Removes the images of earlier builds that a newer one replaced (untagged, carrying the label
 * the Dockerfiles set), so repeated runs do not fill the disk; tagged images are the cache.
 */
export async function pruneSuperseded(): Promise<void> {
  await podmanOk(["image", "prune", "--force", "--filter", "label=org.stratavore.image"]);
}

/** The Claude Code version package-lock.json pins, so the agent image runs what the tests run. */
export function lockedVersion(root: string, pkg: string): string {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${pkg}`]?.version;
  if (!version) throw new Error(`${pkg} is not in package-lock.json`);
  return version;
}
