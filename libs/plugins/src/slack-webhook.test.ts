import { expect, it } from "vitest";
import type { PluginEvent } from "@stratavore/contracts";
import { slackMessage } from "./slack-webhook.ts";

const event = (title: string, projectName = "web"): PluginEvent => ({
  seq: 7,
  event: "runner.waiting",
  severity: "warning",
  title,
  url: "https://stv.example/runners/1",
  project: { id: "0b9f3c1e-5a7d-4e2b-8c64-9d1e2f3a4b5c", name: projectName },
  entity: { type: "runner", id: "1" },
  occurredAt: "2026-12-02T03:00:00.000Z",
  data: {},
});

it("links the title to the dashboard and escapes what Slack would read as markup in it", () => {
  expect(slackMessage(event("runner r1 waits: Allow Bash?")).text).toBe(
    ":warning: <https://stv.example/runners/1|runner r1 waits: Allow Bash?> · web",
  );
  // A runner's screen line in the title cannot close the link and open one of its own.
  const hostile = slackMessage(event("x> <https://evil.example|Re-authenticate Stratavore", "a&b <c>")).text;
  expect(hostile).toBe(
    ":warning: <https://stv.example/runners/1|x&gt; &lt;https://evil.example|Re-authenticate Stratavore> · a&amp;b &lt;c&gt;",
  );
  expect(hostile.match(/</g)).toHaveLength(1);
});
