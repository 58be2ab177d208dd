import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian packages the container test drives, and a file each one installs. */
const TOOLS = [
  { pkg: "podman", file: "/usr/bin/podman" },
  { pkg: "runc", file: "/usr/sbin/runc" },
  { pkg: "debootstrap", file: "/usr/sbin/debootstrap" },
];

/** Installs the missing ones from apt, as scripts/bootstrap.mjs does for Chromium. Root only. */
export function ensureHostTools(log: (msg: string) => void): void {
  const missing = TOOLS.filter((t) => !existsSync(t.file)).map((t) => t.pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0)
    throw new Error(`Missing ${missing.join(", ")}; install them with: sudo apt-get install -y ${missing.join(" ")}`);
  log(`installing Debian's ${missing.join(", ")} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "inherit", env });
}
