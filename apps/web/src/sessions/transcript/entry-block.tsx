"use client";
import { Badge } from "@stratavore/ui";
import { toolInputPreview, type Block } from "../entry-blocks";
import { LazyDetails } from "./lazy-details";
import { LongText } from "./long-text";
import { RichText } from "./rich-text";

const firstLine = (text: string) => (text.split("\n", 1)[0] ?? "").slice(0, 120);

/** One content block; thinking and tool traffic start collapsed so the conversation reads first. */
export function EntryBlock({ block: b }: { block: Block }) {
  switch (b.kind) {
    case "text":
      return <RichText text={b.text} />;
    case "thinking":
      return (
        <LazyDetails className="block-thinking" summary={<span className="muted">Thinking…</span>}>
          {() => (
            <div className="prose muted">
              <LongText text={b.text} />
            </div>
          )}
        </LazyDetails>
      );
    case "tool_use":
      return (
        <LazyDetails
          className="block-tool"
          summary={
            <>
              <span className="mono strong">{b.name}</span>{" "}
              <span className="muted mono block-preview">{toolInputPreview(b.input)}</span>
            </>
          }
        >
          {() => (
            <pre className="code">
              <code>
                <LongText text={JSON.stringify(b.input ?? null, null, 2)} />
              </code>
            </pre>
          )}
        </LazyDetails>
      );
    case "tool_result":
      return (
        <LazyDetails
          className={b.isError ? "block-result block-error" : "block-result"}
          summary={
            <>
              {b.isError ? <Badge tone="red">error</Badge> : <span className="muted">Result</span>}{" "}
              <span className="muted mono block-preview">{firstLine(b.text) || "(empty)"}</span>
            </>
          }
        >
          {() => (
            <pre className="code">
              <LongText text={b.text || "(empty)"} />
            </pre>
          )}
        </LazyDetails>
      );
    case "image":
      return <div className="muted small">[image]</div>;
  }
}
