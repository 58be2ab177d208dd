import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentTls } from "@stratavore/contracts";

export interface StoredCredential {
  serverUrl: string;
  nodeId: string;
  nodeName: string;
  credential: string;
  /** Mutual TLS: the node's private key (made here, never sent) and what the server issued. */
  tls?: AgentTls & { key: string };
}

const FILE = "node-credential.json";

/** The node credential, kept 0600 in the agent's data directory (0700). */
export async function loadCredential(dataDir: string): Promise<StoredCredential | null> {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<StoredCredential>;
  return parsed.credential && parsed.serverUrl && parsed.nodeId && parsed.nodeName
    ? (parsed as StoredCredential)
    : null;
}

export async function saveCredential(dataDir: string, value: StoredCredential): Promise<void> {
  const path = join(dataDir, FILE);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await chmod(dirname(path), 0o700);
  // Write then rename, so a crash never leaves half a credential behind.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  await rename(tmp, path);
}
