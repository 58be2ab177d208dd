import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { foldersRequestSchema, type FoldersAck } from "@stratavore/contracts";

/** How long one answer waits for the filesystem: the server's own wait is 2 s. */
const STAT_WAIT_MS = 1_000;

/**
 * On a hung mount (NFS) a `stat` never returns and holds one of libuv's four threads for good.
 * So a path is looked at once at a time (later questions share the look under way), and once
 * STUCK_MAX looks have outlived their answer no new look starts — every answer is "cannot tell"
 * until one of them returns — so the agent's own file work (transcripts, logs, the spool)
 * always keeps threads.
 */
const STUCK_MAX = 2;
const looking = new Map<string, Promise<boolean>>();
const stuckLooks = new WeakSet<Promise<boolean>>();
let stuck = 0;

function isFolder(path: string): Promise<boolean> | null {
  const under = looking.get(path);
  if (under) return under;
  if (stuck >= STUCK_MAX) return null;
  const look = stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  looking.set(path, look);
  void look.finally(() => looking.delete(path));
  return look;
}

/** The look's answer, or null when it takes longer than `waitMs` (it then counts as stuck until it returns). */
async function answerWithin(look: Promise<boolean>, waitMs: number): Promise<boolean | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, waitMs, null)));
  const answer = await Promise.race([look, late]);
  clearTimeout(timer);
  if (answer === null && !stuckLooks.has(look)) {
    stuckLooks.add(look);
    stuck += 1;
    void look.finally(() => (stuck -= 1));
  }
  return answer;
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
      const look = isFolder(path);
      return look ? answerWithin(look, waitMs) : null;
    }),
  );
  return { ok: true, present };
}
