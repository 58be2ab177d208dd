#!/usr/bin/env node
// Installs what `npm start` / `npm test` need on a fresh Debian machine with Node 20:
// npm packages (only when package-lock.json changed), the generated Prisma client, and for
// tests Debian's Chromium (Playwright cannot download browsers here). Plain Node, no deps.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const forTests = process.argv.includes("--test");
const say = (msg) => process.stdout.write(`[bootstrap] ${msg}\n`);
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const hashOf = (...files) => {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(join(root, f)));
  return h.digest("hex");
};

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Stratavore needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

// 1. npm packages: reinstall only when the lock file changed since the last install.
const installStamp = join(root, "node_modules", ".stratavore-lock-hash");
const lockHash = hashOf("package-lock.json");
if (!existsSync(installStamp) || readFileSync(installStamp, "utf8") !== lockHash) {
  say("installing npm packages (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
  writeFileSync(installStamp, lockHash);
}

// 2. Prisma client: `prisma generate` needs no schema engine, but refuses to start without
//    one, so point it at any existing file (stack.md).
const generatedDir = join(root, "libs/db/src/generated/prisma");
const schemaStamp = join(generatedDir, ".schema-hash");
const schemaHash = hashOf("prisma/schema.prisma", "package-lock.json");
if (!existsSync(schemaStamp) || readFileSync(schemaStamp, "utf8") !== schemaHash) {
  say("generating the Prisma client…");
  run(join(root, "node_modules/.bin/prisma"), ["generate"], {
    PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  });
  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(schemaStamp, schemaHash);
}

// 3. Tests drive Debian's Chromium, the fault suite moves an agent's clock with libfaketime, and
// the dashboards are proven against a real Prometheus (promtool checks its config and rules),
// shell completion runs in real zsh and fish, RabbitMQ deliveries go to a real broker, and a
// cluster of server instances runs behind a real HAProxy, with and without Redis.
const debianPackages = [
  { file: "/usr/lib/chromium/chromium", packages: ["chromium", "fonts-dejavu-core"] },
  { file: "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", packages: ["faketime"] },
  { file: "/usr/bin/promtool", packages: ["prometheus"] },
  // Shell completion is run in real shells (bash is always there).
  { file: "/usr/bin/zsh", packages: ["zsh"] },
  { file: "/usr/bin/fish", packages: ["fish"] },
  { file: "/usr/lib/rabbitmq/bin/rabbitmq-server", packages: ["rabbitmq-server"] },
  { file: "/usr/sbin/haproxy", packages: ["haproxy"] },
  { file: "/usr/bin/redis-server", packages: ["redis-server"] },
];
const missing = forTests ? debianPackages.filter((p) => !existsSync(p.file)).flatMap((p) => p.packages) : [];
if (missing.length) {
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages for the tests; install them with: sudo apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  say(`installing Debian's ${missing.join(", ")} (apt-get)…`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], env);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], env);
}
