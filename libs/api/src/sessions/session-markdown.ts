import { readContentBlocks, type Session } from "@stratavore/contracts";

type Line = {
  type?: string;
  timestamp?: string;
  isSidechain?: boolean;
  summary?: string;
  content?: unknown;
  isCompactSummary?: boolean;
  message?: { role?: string; model?: string; content?: unknown };
};

const fence = (lang: string, body: string) => {
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${body}\n${ticks}`;
};

function renderBlocks(content: unknown): string[] {
  return readContentBlocks(content).map((b) => {
    if (b.kind === "text") return b.text;
    if (b.kind === "thinking") return `<details><summary>Thinking</summary>\n\n${b.text}\n\n</details>`;
    if (b.kind === "tool_use")
      return `**Tool call: ${b.name}**\n\n${fence("json", JSON.stringify(b.input ?? {}, null, 2))}`;
    if (b.kind === "tool_result") return `**Tool result${b.isError ? " (error)" : ""}**\n\n${fence("", b.text)}`;
    return "_[image]_";
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
