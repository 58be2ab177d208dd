/** Record types a reader follows: the conversation, claude's notices and its compaction summaries. */
const CONVERSATION = new Set(["user", "assistant", "system", "summary", "malformed", "unknown"]);

/**
 * Records kept for fidelity (export, resume) but not worth a reader's eye: claude writes many
 * kinds besides the conversation (file-history-snapshot, attachment, mode, permission-mode,
 * api-request, last-prompt, tools-used… — the real-claude review counted 152 attachments in a
 * few sessions, each shown as an empty card), and new ones with new releases. So everything
 * that is not the conversation is bookkeeping; a line that is not JSON, or names no type
 * ("unknown"), stays in view.
 */
export function isBookkeeping(type: string): boolean {
  return !CONVERSATION.has(type);
}
