import { describe, expect, it } from "vitest";
import { noFolderReason } from "./no-folder-reason";

const node = (name: string, present: boolean | null) => ({ id: crypto.randomUUID(), name, present });

describe("noFolderReason", () => {
  it("names the folder and every node when all of them lack it", () => {
    expect(noFolderReason({ path: "/srv/app", nodes: [node("a", false), node("b", false)] }, "launch")).toBe(
      "The folder /srv/app is on no online node (a, b): check it out on one, then launch.",
    );
  });

  it("says nothing while one node has it, one cannot say, none is online, or nothing is known yet", () => {
    expect(noFolderReason({ path: "/srv/app", nodes: [node("a", false), node("b", true)] }, "resume")).toBeUndefined();
    expect(noFolderReason({ path: "/srv/app", nodes: [node("a", false), node("b", null)] }, "resume")).toBeUndefined();
    expect(noFolderReason({ path: "/srv/app", nodes: [] }, "resume")).toBeUndefined();
    expect(noFolderReason(undefined, "resume")).toBeUndefined();
  });
});
