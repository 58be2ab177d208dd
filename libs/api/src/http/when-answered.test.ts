import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { expect, it } from "vitest";
import { whenAnsweredHook } from "./when-answered.ts";

it("runs callbacks when the answer is sent, and at once for callbacks added after (a client that hung up first)", () => {
  const res = new EventEmitter();
  const hook = whenAnsweredHook(res as unknown as ServerResponse);
  const ran: string[] = [];
  hook(() => ran.push("before"));
  expect(ran).toEqual([]);
  res.emit("close");
  expect(ran).toEqual(["before"]);
  // What an export reserves after the client left must still be released (it stayed held for good).
  hook(() => ran.push("after"));
  expect(ran).toEqual(["before", "after"]);
});
