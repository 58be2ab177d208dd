import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

/** Where compressed transcripts go when a session ends (DESIGN §5). */
/** A store key: letters, digits, `._/-` and no `..` (keys are built from session ids). */
export const isStoreKey = (key: string) => /^[A-Za-z0-9._/-]+$/.test(key) && !key.includes("..");

/** The key, or a throw: a bad one here is a bug, never a path. */
export function checkedKey(key: string): string {
  if (!isStoreKey(key)) throw new Error(`bad transcript key ${key}`);
  return key;
}

export interface TranscriptStore {
  readonly kind: "fs" | "s3";
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  /** A time-limited download URL where the store offers one (S3), else null. */
  downloadUrl(key: string, seconds: number): Promise<string | null>;
  /** Keys older than the cutoff, for the retention job. */
  olderThan(cutoff: Date): Promise<string[]>;
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The default: files under the data directory. Keys are validated so no path escapes it. */
export class FilesystemStore implements TranscriptStore {
  readonly kind = "fs" as const;
  constructor(private readonly root: string) {}

  private path(key: string): string {
    return join(this.root, checkedKey(key));
  }

  private rootPrivate = false;

  /**
   * Transcripts hold everything an agent read and wrote (code, secrets pasted into prompts):
   * only the server's user may read them — directories 0700, files 0600, the root included
   * (an older install created it 0755).
   */
  async put(key: string, body: Buffer): Promise<void> {
    const path = this.path(key);
    if (!this.rootPrivate) {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await chmod(this.root, 0o700);
      this.rootPrivate = true;
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(`${path}.tmp`, body, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }

  get = (key: string) => readFile(this.path(key));
  delete = (key: string) => rm(this.path(key), { force: true });
  downloadUrl = async () => null;

  async olderThan(cutoff: Date): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string) => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if ((await stat(p)).mtime < cutoff) out.push(relative(this.root, p));
      }
    };
    await walk(this.root);
    return out;
  }
}
