import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { foldersRequestSchema, type FoldersAck } from "@stratavore/contracts";

/** How long one answer waits for the filesystem: the server's own wait is 2 s. */
const STAT_WAIT_MS = 1_000;

/**
 * One look per path at a time: on a hung mount (NFS) a `stat` never returns and holds one of
 * libuv's few threads, so asking again would soon hold them all and stall every file operation
 * of the agent. Later questions share the look under way.
 */
const looking = new Map<string, Promise<boolean>>();

function isFolder(path: string): Promise<boolean> {
  let look = looking.get(path);
  if (!look) {
    look = stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    looking.set(path, look);
    void look.finally(() => looking.delete(path));
  }
  return look;
}

/**
 * Which of the server's folders are directories on this node: placement asks before choosing
 * a node for a launch, so a runner goes where its project is checked out. A relative path is
 * never one (runners start in absolute paths); an unreadable parent reads as missing, as the
 * launch itself would fail there; a path the filesystem does not answer for in time is null
 * (unknown), not missing.
 */
export async function folderPresence(raw: unknown, waitMs = STAT_WAIT_MS): Promise<FoldersAck> {
  const parsed = foldersRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: "VALIDATION", message: "Malformed request." };
  const present = await Promise.all(
    parsed.data.paths.map((path) => {
      if (!isAbsolute(path)) return false;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, waitMs, null)));
      return Promise.race([isFolder(path), late]).finally(() => clearTimeout(timer));
    }),
  );
  return { ok: true, present };
}
