import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { imageExists, podmanOk } from "./podman.ts";

/** The name docker/Dockerfile's FROM uses; no registry is reachable here, so it is made locally. */
export const BASE_IMAGE = "docker.io/library/node:20-bookworm-slim";
/** Marks an image this script made, with the Node version inside it. */
const NODE_LABEL = "org.stratavore.base-node";

/**
 * Makes BASE_IMAGE when podman does not have it: Debian bookworm from debootstrap plus this
 * machine's Node 20 (binary, npm, headers) under /usr/local and a `node` user (uid 1000), the
 * layout of the official image. The rootfs tarball is kept in cacheDir, so a wiped podman store
 * costs an import (10 s), not a debootstrap (1-2 min). Returns where the image came from.
 */
export async function ensureBaseImage(cacheDir: string, log: (msg: string) => void): Promise<string> {
  if (await imageExists(BASE_IMAGE)) {
    const label = (await podmanOk(["image", "inspect", "--format", `{{index .Labels "${NODE_LABEL}"}}`, BASE_IMAGE]))
      .trim()
      .replace(/^<no value>$/, "");
    if (!label) return "present in podman's store (not made by this script; used as it is)";
    if (label === process.version) return `cached in podman's store (Node ${label})`;
    log(`the base image holds Node ${label}, this machine runs ${process.version}: making it again`);
  }
  const tarball = join(cacheDir, `node-${process.version}-bookworm-slim-rootfs.tar`);
  const fromCache = existsSync(tarball);
  if (!fromCache) makeRootfsTarball(tarball, log);
  await podmanOk([
    "import",
    "--change",
    `LABEL ${NODE_LABEL}=${process.version}`,
    "--change",
    'CMD ["node"]',
    tarball,
    BASE_IMAGE,
  ]);
  return fromCache ? `imported from the cached ${tarball}` : `bootstrapped with debootstrap into ${tarball}`;
}

function makeRootfsTarball(tarball: string, log: (msg: string) => void): void {
  if (process.versions.node.split(".")[0] !== "20")
    throw new Error(`The base image is tagged node:20, but this machine runs Node ${process.version}.`);
  const prefix = join(dirname(process.execPath), "..");
  const npmDir = join(prefix, "lib/node_modules/npm");
  const headers = join(prefix, "include/node");
  // node-gyp builds node-pty against these headers; without them it would download them.
  for (const needed of [npmDir, headers])
    if (!existsSync(needed)) throw new Error(`${needed} is missing; the base image needs npm and Node's headers.`);

  mkdirSync(dirname(tarball), { recursive: true });
  const rootfs = mkdtempSync(join(dirname(tarball), "rootfs-"));
  const logFile = join(dirname(tarball), "debootstrap.log");
  const out = openSync(logFile, "w");
  const run = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { stdio: ["ignore", out, out] });
    } catch {
      throw new Error(`${cmd} failed while making the base image; see ${logFile}`);
    }
  };
  try {
    const mirror = debianMirror();
    log(`debootstrap --variant=minbase bookworm from ${mirror}…`);
    run("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirror]);
    const local = join(rootfs, "usr/local");
    run("install", ["-m", "0755", process.execPath, join(local, "bin/node")]);
    mkdirSync(join(local, "lib/node_modules"), { recursive: true });
    run("cp", ["-a", npmDir, join(local, "lib/node_modules/")]);
    mkdirSync(join(local, "include"), { recursive: true });
    run("cp", ["-a", headers, join(local, "include/")]);
    run("ln", ["-s", "../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin/npm")]);
    run("ln", ["-s", "../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin/npx")]);
    run("chroot", [
      rootfs,
      "sh",
      "-c",
      "groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node" +
        " && apt-get clean && rm -rf /var/lib/apt/lists/*",
    ]);
    run("tar", ["-C", rootfs, "-cf", `${tarball}.part`, "."]);
    renameSync(`${tarball}.part`, tarball);
  } finally {
    closeSync(out);
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/** The Debian mirror apt uses here (the only one reachable), from either sources format. */
function debianMirror(): string {
  const files = ["/etc/apt/sources.list"];
  if (existsSync("/etc/apt/sources.list.d"))
    files.push(...readdirSync("/etc/apt/sources.list.d").map((f) => join("/etc/apt/sources.list.d", f)));
  for (const file of files.filter((f) => existsSync(f) && /\.(list|sources)$/.test(f))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:URIs:|deb(?:\s+\[[^\]]*\])?)\s+(\S+)/gm))
      if (m[1] && !m[1].includes("security")) return m[1];
  }
  return "http://deb.debian.org/debian";
}
