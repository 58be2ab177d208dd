import { describe, expect, it } from "vitest";
import { isBookkeeping } from "./bookkeeping";

describe("isBookkeeping", () => {
  it("keeps the conversation, claude's notices, summaries and broken lines in view", () => {
    for (const type of ["user", "assistant", "system", "summary", "malformed", "unknown"])
      expect([type, isBookkeeping(type)]).toEqual([type, false]);
  });

  it("hides every other kind claude 2.1 writes, and kinds not seen yet", () => {
    const seen = [
      "file-history-snapshot",
      "attachment",
      "mode",
      "permission-mode",
      "atis-latch",
      "api-request",
      "api-request-blob",
      "api-request-shape",
      "last-prompt",
      "tools-used",
    ];
    for (const type of [...seen, "some-future-record"]) expect([type, isBookkeeping(type)]).toEqual([type, true]);
  });
});
