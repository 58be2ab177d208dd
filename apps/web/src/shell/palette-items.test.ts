import { describe, expect, it } from "vitest";
import type { Project, Runner, Session } from "@stratavore/contracts";
import { matchItems, paletteItems } from "./palette-items";

const project = { id: "p1", name: "webshop", path: "/srv/webshop", status: "active" } as Project;
const archived = { id: "p2", name: "oldshop", path: "/srv/old", status: "archived" } as Project;
const runner = {
  id: "3f2a9c1e-0000-4000-8000-000000000000",
  projectName: "webshop",
  status: "running",
  activity: "waiting",
  prompt: "fix the checkout tests",
  sessionTitle: null,
} as Runner;
const session = { id: "s-1234567890", title: "Refactor billing", projectName: "webshop" } as Session;

describe("palette items", () => {
  const items = paletteItems({
    projects: [project, archived],
    runners: [runner],
    sessions: [session],
    canLaunch: true,
  });

  it("offers pages, actions, live projects (not archived ones), runners and sessions", () => {
    const ids = items.map((i) => i.id);
    expect(ids).toContain("page:/usage");
    expect(ids).toContain("project:p1");
    expect(ids).toContain("launch:p1");
    expect(ids).not.toContain("project:p2");
    expect(items.find((i) => i.kind === "runner")).toMatchObject({
      label: "3f2a9c1e · webshop",
      hint: "running · waiting for you · fix the checkout tests",
      href: `/runners/${runner.id}`,
    });
    expect(items.find((i) => i.kind === "session")?.href).toBe("/sessions/s-1234567890");
  });

  it("offers no launch or create action to a viewer", () => {
    const viewer = paletteItems({ projects: [project], canLaunch: false });
    expect(viewer.filter((i) => i.kind === "action")).toEqual([]);
    expect(viewer.map((i) => i.id)).toContain("project:p1");
  });

  it("matches every word anywhere, labels starting with the query first", () => {
    expect(matchItems(items, "web launch").map((i) => i.id)).toEqual(["launch:p1"]);
    expect(matchItems(items, "webshop")[0]?.id).toBe("project:p1");
    expect(matchItems(items, "checkout tests").map((i) => i.kind)).toEqual(["runner"]);
    expect(matchItems(items, "billing").map((i) => i.label)).toEqual(["Refactor billing"]);
    expect(matchItems(items, "zzz")).toEqual([]);
    expect(matchItems(items, "", 3)).toHaveLength(3);
  });
});
