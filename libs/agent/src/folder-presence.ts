import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { foldersRequestSchema, type FoldersAck } from "@stratavore/contracts";

/**
 * Which of the server's folders are directories on this node: placement asks before choosing
 * a node for a launch, so a runner goes where its project is checked out. A relative path is
 * never one (runners start in absolute paths); an unreadable parent reads as missing, as the
 * launch itself would fail there.
 */
export async function folderPresence(raw: unknown): Promise<FoldersAck> {
  const parsed = foldersRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: "VALIDATION", message: "Malformed request." };
  const present = await Promise.all(
    parsed.data.paths.map(
      async (path) => isAbsolute(path) && ((await stat(path).catch(() => null))?.isDirectory() ?? false),
    ),
  );
  return { ok: true, present };
}
