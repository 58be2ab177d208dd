import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { CliError } from "./cli-error.ts";

export interface StoredLogin {
  server: string;
  token: string;
}

const storedLoginSchema = z.object({ server: z.string().min(1), token: z.string().min(1) });

export const configFile = (configDir: string) => join(configDir, "config.json");

export async function readLogin(configDir: string): Promise<StoredLogin | null> {
  let raw: string;
  try {
    raw = await readFile(configFile(configDir), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = storedLoginSchema.safeParse(safeJson(raw));
  if (!parsed.success)
    throw new CliError("CONFIG", `${configFile(configDir)} is not a valid login; run 'stratavore login' again.`);
  return parsed.data;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/**
 * The token is a credential: a new directory is 0700 and the file 0600, written to a temp file
 * and renamed so a crash never leaves a half-written or briefly world-readable file.
 */
export async function writeLogin(configDir: string, login: StoredLogin): Promise<string> {
  // Only a directory we create gets 0700; an existing one chosen by the user keeps its mode.
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = configFile(configDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Returns whether there was a login to remove. */
export async function removeLogin(configDir: string): Promise<boolean> {
  const file = configFile(configDir);
  try {
    await rm(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
