import { expect, it } from "vitest";
import { splitMarks } from "./snippet";

it("splits marked terms from plain text", () => {
  expect(splitMarks("run <mark>tests</mark> now")).toEqual([
    { text: "run ", mark: false },
    { text: "tests", mark: true },
    { text: " now", mark: false },
  ]);
});

it("keeps other tags as text", () => {
  expect(splitMarks("<script>x</script> <mark><b></mark>")).toEqual([
    { text: "<script>x</script> ", mark: false },
    { text: "<b>", mark: true },
  ]);
});
