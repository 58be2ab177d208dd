import type { Session } from "@stratavore/contracts";

type Block = {
  type?: string;
  text?: string;
  thinking?: string;
  name?: string;
  input?: unknown;
  content?: unknown;
  is_error?: boolean;
};
type Line = {
  type?: string;
  timestamp?: string;
  isSidechain?: boolean;
  summary?: string;
  content?: unknown;
  isCompactSummary?: boolean;
  message?: { role?: string; model?: string; content?: string | Block[] };
};

const fence = (lang: string, body: string) => {
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${body}\n${ticks}`;
};

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((c: Block) => (typeof c.text === "string" ? c.text : JSON.stringify(c))).join("\n");
  return JSON.stringify(content ?? "");
}

function renderBlocks(content: string | Block[] | undefined): string[] {
  if (typeof content === "string") return [content];
  return (content ?? []).map((b) => {
    if (b.type === "text") return b.text ?? "";
    if (b.type === "thinking") return `<details><summary>Thinking</summary>\n\n${b.thinking ?? ""}\n\n</details>`;
    if (b.type === "tool_use")
      return `**Tool call: ${b.name ?? "tool"}**\n\n${fence("json", JSON.stringify(b.input ?? {}, null, 2))}`;
    if (b.type === "tool_result")
      return `**Tool result${b.is_error ? " (error)" : ""}**\n\n${fence("", resultText(b.content))}`;
    return fence("json", JSON.stringify(b));
  });
}

const HEADINGS: Record<string, string> = { user: "User", assistant: "Assistant", system: "System", summary: "Summary" };

/** A readable Markdown rendering of every entry type: user, assistant, thinking, tool calls and results, system, compaction. */
export function renderMarkdown(session: Session, entries: { file: string; entry: unknown }[]): string {
  const out = [
    `# ${session.title ?? `Session ${session.id}`}`,
    "",
    `- Session: \`${session.id}\``,
    `- Project: ${session.projectName ?? "—"}`,
    `- Messages: ${session.messageCount}`,
    `- Tokens: ${session.totalTokens}, cost ${session.costUsd === null ? "unpriced" : `${session.estimatedCostUsd > 0 ? "~" : ""}$${session.costUsd.toFixed(4)}`}`,
    "",
  ];
  for (const { file, entry } of entries) {
    const line = (entry ?? {}) as Line;
    if (!line.type) continue;
    const when = line.timestamp ? ` · ${line.timestamp}` : "";
    const where = file ? ` · sub-agent ${file}` : line.isSidechain ? " · sidechain" : "";
    if (line.type === "summary" || line.isCompactSummary) {
      out.push(
        `## Compaction summary${when}`,
        "",
        line.summary ?? renderBlocks(line.message?.content).join("\n\n"),
        "",
      );
    } else if (line.message) {
      const heading = HEADINGS[line.message.role ?? line.type] ?? line.type;
      out.push(
        `## ${heading}${line.message.model ? ` (${line.message.model})` : ""}${when}${where}`,
        "",
        ...renderBlocks(line.message.content).flatMap((b) => [b, ""]),
      );
    } else if (line.type === "system") {
      out.push(
        `## System${when}`,
        "",
        typeof line.content === "string" ? line.content : fence("json", JSON.stringify(line.content ?? {})),
        "",
      );
    }
  }
  return out.join("\n");
}
