#!/usr/bin/env node
/**
 * A fake `claude` CLI for process tests: no network, no dependencies, but it behaves like the
 * real one (2.1.x) where the agent can tell the difference:
 *
 * - flags: --session-id <uuid>, --resume/-r <uuid>, --fork-session, --continue/-c,
 *   --model <m>, -p/--print, --output-format json, --version, `--`, a trailing prompt;
 *   other flags are accepted and ignored.
 * - transcripts in <$CLAUDE_CONFIG_DIR or $HOME/.claude>/projects/<cwd, non-alphanumerics
 *   as '-'>/<session>.jsonl: a file-history-snapshot and a `user` line per prompt, then the
 *   `assistant` response. Every second response is written as TWO lines sharing message.id
 *   and requestId (a thinking block with a partial usage snapshot, then the text with the
 *   final usage), as the real CLI does while streaming.
 * - --resume appends to the session file; with --fork-session it writes a new file (id from
 *   --session-id when given, else random) repeating the parent's lines with the same
 *   message.ids and fresh uuids; --continue appends to the newest session file of the cwd.
 * - interactive: banner with the session id, raw-mode line editing, "echo: <line>" per line;
 *   `<config>/sessions/<pid>.json` names the current session; /clear moves to a new one,
 *   /resume <id> into that existing one.
 *   SIGTERM/SIGHUP: kill the tool processes it started, exit 0. -p: answer once and exit.
 *
 * - FAKE_CLAUDE_TOOL=<shell command>: runs it like the real Bash tool: in its own session,
 *   under a job-control `bash -c` wrapper. SIGSTOP of the command makes the wrapper print
 *   "[1]+ Stopped" and exit 147, and the fake records the tool as failed — what claude
 *   2.1.328 does (stack.md), and why pausing must freeze a cgroup instead of signalling.
 *   The tool's result goes to the terminal ("(tool exit N)") and the transcript (tool_result).
 *
 * - a prompt starting "agent:" runs a sub-agent (the Task tool) whose transcript goes to
 *   <session>/subagents/agent-<id>.jsonl, as claude 2.1.328 writes them (see delegate).
 * - a prompt starting "search:" answers after two web searches: server_tool_use and
 *   web_search_tool_result blocks, and `server_tool_use.web_search_requests: 2` in the usage.
 *
 * Env switches: FAKE_CLAUDE_MODE (comma-separated) crash (exit 3 after FAKE_CLAUDE_CRASH_AFTER_MS,
 * 200) | hang | ignore-sigterm | fork | hog
 * (hog: keeps allocating memory until something stops it — a cgroup memory limit, say);
 * FAKE_CLAUDE_PIDFILE (fork: where the grandchild's pid goes; tool: the command's pid);
 * FAKE_CLAUDE_USAGE_EVERY_MS (append an assistant usage line periodically);
 * api-errors: a prompt meets a rate-limited API — six retries shown on screen (0.7 s apart
 * here, backing off in the real one), then the `assistant` line with `isApiErrorMessage` when
 * it gives up, as claude 2.1.328 does interactively (see rateLimited); stall: a prompt starts a turn whose spinner
 * never moves again and whose transcript never grows.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { assistantTurn, searchBlocks, writeSubagent } from "./fake-claude-turns.mjs";

const VERSION = "2.1.328";
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VALUE_FLAGS = new Set([
  "--permission-mode",
  "--allowedTools",
  "--allowed-tools",
  "--disallowedTools",
  "--disallowed-tools",
  "--output-format",
  "--input-format",
  "--append-system-prompt",
  "--system-prompt",
  "--settings",
  "--mcp-config",
  "--add-dir",
  "--max-turns",
  "--fallback-model",
  "--agents",
]);
const modes = new Set(
  (process.env.FAKE_CLAUDE_MODE ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean),
);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = {
    sessionId: null,
    resume: null,
    fork: false,
    cont: false,
    model: "claude-sonnet-4-5",
    print: false,
    outputFormat: "text",
    prompt: [],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] =
      argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () =>
      inline ??
      (argv[i + 1] !== undefined && !argv[i + 1].startsWith("-")
        ? argv[++i]
        : fail(`error: option '${flag}' argument missing`));
    if (flag === "--") {
      o.prompt.push(...argv.slice(i + 1));
      break;
    } else if (flag === "--version" || flag === "-v") {
      process.stdout.write(`${VERSION} (Claude Code)\n`);
      process.exit(0);
    } else if (flag === "--session-id") o.sessionId = value();
    else if (flag === "--resume" || flag === "-r") o.resume = value();
    else if (flag === "--fork-session") o.fork = true;
    else if (flag === "--continue" || flag === "-c") o.cont = true;
    else if (flag === "--model") o.model = value();
    else if (flag === "--print" || flag === "-p") o.print = true;
    else if (flag === "--output-format") o.outputFormat = value();
    else if (VALUE_FLAGS.has(flag)) value();
    else if (flag.startsWith("-")) continue;
    else o.prompt.push(argv[i]);
  }
  return { ...o, prompt: o.prompt.join(" ") };
}

const args = parseArgs(process.argv.slice(2));
const cwd = process.cwd();
const configDir = process.env.CLAUDE_CONFIG_DIR || join(process.env.HOME || homedir(), ".claude");
const projectDir = join(configDir, "projects", cwd.replace(/[^a-zA-Z0-9]/g, "-"));
const fileOf = (id) => join(projectDir, `${id}.jsonl`);
const readLines = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

function newestSession() {
  if (!existsSync(projectDir)) return null;
  const files = readdirSync(projectDir).filter((f) => UUID_RE.test(f.replace(/\.jsonl$/, "")) && f.endsWith(".jsonl"));
  files.sort((a, b) => statSync(join(projectDir, b)).mtimeMs - statSync(join(projectDir, a)).mtimeMs);
  return files[0]?.replace(/\.jsonl$/, "") ?? null;
}

/** Decides the session file exactly like the real CLI: validate, then new / resume / fork / continue. */
function openSession() {
  if (args.sessionId && !UUID_RE.test(args.sessionId)) fail("Error: Invalid session ID. Must be a valid UUID.");
  let parent = args.resume;
  if (parent && !UUID_RE.test(parent)) fail(`No conversation found with session ID: ${parent}`);
  if (args.cont && !parent) {
    parent = newestSession();
    if (!parent) fail("No conversation found to continue");
  }
  if (parent && !existsSync(fileOf(parent))) fail(`No conversation found with session ID: ${parent}`);
  mkdirSync(projectDir, { recursive: true });
  if (parent && !args.fork)
    return { id: parent, last: readLines(fileOf(parent)).findLast((l) => l.uuid)?.uuid ?? null };
  const id = args.sessionId ?? randomUUID();
  if (existsSync(fileOf(id))) fail(`Error: Session ID ${id} is already in use.`);
  if (!parent) return { id, last: null };
  const remap = new Map();
  const copied = readLines(fileOf(parent)).map((line) => {
    const copy = { ...line };
    if (line.uuid) remap.set(line.uuid, (copy.uuid = randomUUID()));
    if ("sessionId" in line) copy.sessionId = id;
    if (line.parentUuid) copy.parentUuid = remap.get(line.parentUuid) ?? line.parentUuid;
    return copy;
  });
  writeFileSync(fileOf(id), copied.map((l) => JSON.stringify(l) + "\n").join(""));
  return { id, last: copied.findLast((l) => l.uuid)?.uuid ?? null };
}

const session = openSession();
// Counted over the whole file, so resumed sessions keep the "every second response" pattern.
let responses = existsSync(fileOf(session.id))
  ? new Set(
      readLines(fileOf(session.id))
        .filter((l) => l.type === "assistant")
        .map((l) => l.message.id),
    ).size
  : 0;

function record(fields) {
  const line = {
    parentUuid: session.last,
    isSidechain: false,
    userType: "external",
    cwd,
    sessionId: session.id,
    version: VERSION,
    gitBranch: "",
    ...fields,
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
  };
  session.last = line.uuid;
  appendFileSync(fileOf(session.id), JSON.stringify(line) + "\n");
}

function usage(output, searches = 0) {
  const first = responses === 1;
  const c5m = first ? 1200 : 40;
  const c1h = responses % 3 === 0 ? 300 : 0;
  return {
    input_tokens: 4,
    cache_creation_input_tokens: c5m + c1h,
    cache_read_input_tokens: 1200 * (responses - 1),
    cache_creation: { ephemeral_5m_input_tokens: c5m, ephemeral_1h_input_tokens: c1h },
    output_tokens: output,
    // As the API reports its own tools' calls (web search is billed per search).
    ...(searches ? { server_tool_use: { web_search_requests: searches, web_fetch_requests: 0 } } : {}),
    service_tier: "standard",
  };
}

function respond(text, searches = 0) {
  responses += 1;
  const message = {
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: "assistant",
    model: args.model,
    stop_sequence: null,
  };
  const requestId = `req_${randomBytes(12).toString("hex")}`;
  const output = 5 + text.length;
  if (responses % 2 === 0) {
    record({
      type: "assistant",
      requestId,
      message: {
        ...message,
        content: [{ type: "thinking", thinking: "…", signature: "sig" }],
        stop_reason: null,
        usage: usage(1),
      },
    });
  }
  const content = [...(searches ? searchBlocks(text) : []), { type: "text", text }];
  record({
    type: "assistant",
    requestId,
    message: { ...message, content, stop_reason: "end_turn", usage: usage(output, searches) },
  });
}

/**
 * "agent: …" prompts: the main thread calls the Task tool, and the sub-agent's own transcript
 * goes where claude 2.1.328 writes it — `<session>/subagents/agent-<id>.jsonl` (sidechain
 * lines naming the parent session and the agent, its own model and usage) with a `.meta.json`
 * beside it — before the tool's result and the final answer land in the main transcript.
 */
function delegate(task) {
  responses += 1;
  const toolId = `toolu_${randomBytes(8).toString("hex")}`;
  const call = { type: "tool_use", id: toolId, name: "Task", input: { subagent_type: "Explore", prompt: task } };
  record({ type: "assistant", ...assistantTurn(args.model, [call], "tool_use", usage(20)) });
  writeSubagent({ dir: join(projectDir, session.id, "subagents"), sessionId: session.id, cwd, version: VERSION, task });
  record({
    type: "user",
    message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolId, content: `found: ${task}` }] },
  });
}

function answer(input) {
  appendFileSync(
    fileOf(session.id),
    JSON.stringify({
      type: "file-history-snapshot",
      messageId: randomUUID(),
      snapshot: { trackedFileBackups: {} },
      isSnapshotUpdate: false,
    }) + "\n",
  );
  record({ type: "user", message: { role: "user", content: input } });
  if (input.startsWith("agent:")) delegate(input.slice("agent:".length).trim());
  // "search: …" prompts make the response search the web twice, as a real one may.
  respond(`echo: ${input}`, input.startsWith("search:") ? 2 : 0);
  return `echo: ${input}`;
}

if (args.print) {
  const text = answer(args.prompt || readFileSync(0, "utf8").trim());
  const json = { type: "result", subtype: "success", is_error: false, result: text, session_id: session.id };
  process.stdout.write(args.outputFormat === "json" ? JSON.stringify(json) + "\n" : text + "\n");
  process.exit(0);
}

const tools = [];
// The PTY's ONLCR turns "\n" into "\r\n" (libuv's raw mode keeps output processing).
const out = (s) => process.stdout.write(s);

function shutdown() {
  // The real CLI ends its tool processes itself on SIGTERM or when its terminal goes away.
  for (const child of tools) {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  process.exit(0);
}
process.on("SIGHUP", shutdown);
process.on("SIGTERM", modes.has("ignore-sigterm") ? () => out("\n(ignoring SIGTERM)\n") : shutdown);

out(
  `\x1b[1m✻ Welcome to Fake Claude Code\x1b[0m ${VERSION}\n  cwd: ${cwd}\n  session: ${session.id}\n  model: ${args.model}\n\n`,
);

/**
 * Like claude 2.1.328: `<config>/sessions/<pid>.json` says which session this process is in,
 * with its start time in clock ticks (field 22 of /proc/self/stat), rewritten on /clear.
 */
const procStat = readFileSync("/proc/self/stat", "utf8");
const procStart = procStat.slice(procStat.lastIndexOf(")") + 2).split(" ")[19];
function writeSessionRecord() {
  mkdirSync(join(configDir, "sessions"), { recursive: true });
  const record = { pid: process.pid, sessionId: session.id, cwd, startedAt: Date.now(), procStart, version: VERSION };
  writeFileSync(join(configDir, "sessions", `${process.pid}.json`), JSON.stringify(record));
}
writeSessionRecord();

/** /clear: like the real TUI, a new session (a new transcript file) in the same process. */
function clearSession() {
  session.id = randomUUID();
  session.last = null;
  responses = 0;
  record({ type: "user", message: { role: "user", content: "<command-name>/clear</command-name>" } });
  writeSessionRecord();
  out("(no content)\n> ");
}

/**
 * /resume <id>: like claude 2.1.328, the same process goes on in that existing session, appending
 * to its file (no new session, no command line written to either transcript).
 */
function resumeSession(id) {
  if (!UUID_RE.test(id) || !existsSync(fileOf(id))) return out(`No conversation found with session ID: ${id}\n> `);
  const lines = readLines(fileOf(id));
  session.id = id;
  session.last = lines.findLast((l) => l.uuid)?.uuid ?? null;
  responses = new Set(lines.filter((l) => l.type === "assistant").map((l) => l.message.id)).size;
  writeSessionRecord();
  out(`(resumed ${id})\n> `);
}

if (modes.has("fork")) {
  // Like a Bash tool command: its own session (setsid), not on the PTY, deaf to SIGTERM/SIGHUP.
  const tool = spawn(
    process.execPath,
    ["-e", "process.on('SIGTERM',()=>{});process.on('SIGHUP',()=>{});setInterval(()=>{},1e6)"],
    { detached: true, stdio: "ignore" },
  );
  tools.push(tool);
  if (process.env.FAKE_CLAUDE_PIDFILE) writeFileSync(process.env.FAKE_CLAUDE_PIDFILE, String(tool.pid));
  out(`(started tool ${tool.pid})\n`);
}
const toolCommand = process.env.FAKE_CLAUDE_TOOL;
if (toolCommand) {
  // `set -m` gives the wrapper job control, as claude's own wrapper has: a stopped job ends `wait` with 147.
  const pidfile = process.env.FAKE_CLAUDE_PIDFILE ?? "/dev/null";
  const wrapper = spawn(
    "bash",
    ["-c", 'set -m; eval "$1" & echo $! > "$2"; wait $!', "claude-tool", toolCommand, pidfile],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  tools.push(wrapper);
  let toolOut = "";
  wrapper.stdout.on("data", (d) => (toolOut += d));
  wrapper.stderr.on("data", (d) => (toolOut += d));
  const toolUseId = `toolu_${randomBytes(8).toString("hex")}`;
  responses += 1;
  const call = { type: "tool_use", id: toolUseId, name: "Bash", input: { command: toolCommand } };
  record({ type: "assistant", ...assistantTurn(args.model, [call], "tool_use", usage(9)) });
  wrapper.on("exit", (code, signal) => {
    const exit = code ?? (signal ? 128 : 1);
    record({
      type: "user",
      message: {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: toolUseId,
            is_error: exit !== 0,
            content: exit === 0 ? toolOut.trim() : `Exit code ${exit}\n${toolOut.trim()}`,
          },
        ],
      },
    });
    out(`\n(tool exit ${exit})\n${toolOut.trim()}\n> `);
  });
  out(`(tool started ${wrapper.pid})\n`);
}
if (modes.has("hog")) {
  const hoard = [];
  // Filled with 1s, not zeros: zeroed memory can come from untouched pages that count for nothing.
  setInterval(() => hoard.push(Buffer.alloc(16 * 1024 * 1024, 1)), 20);
}
if (modes.has("crash"))
  setTimeout(
    () => {
      out("fatal: simulated crash\n");
      process.exit(3);
    },
    Number(process.env.FAKE_CLAUDE_CRASH_AFTER_MS) || 200,
  );
const every = Number(process.env.FAKE_CLAUDE_USAGE_EVERY_MS);
// A stalled turn writes nothing more, periodic usage included.
let stalled = false;
if (every > 0) setInterval(() => stalled || respond("still working…"), every);

// A prompt starting "ask:" is answered only after a permission dialog worded like claude
// 2.1.328's (its question and its "Esc to cancel" footer) is accepted with Enter.
let asking = null;
const ask = (input) => {
  asking = input;
  out(
    `\n${"─".repeat(40)}\n Bash command\n sh ./run-tests.sh\n\n Do you want to proceed?\n ❯ 1. Yes\n   2. No\n\n Esc to cancel · Tab to amend`,
  );
};
// As claude 2.1.328 behaves interactively against an API that answers every request with 429
// (recorded): each retry shows on screen as "✻ 429 <message> · retrying in Ns · attempt n/10"
// and is written nowhere; when it gives up, one `assistant` line with `isApiErrorMessage`
// (its shape recorded from the real binary against a 400). (`claude -p` also writes a
// `system`/`api_error` line per retry; this fake's print mode does not emulate errors.)
const RATE_LIMIT_TEXT = "429 Number of request tokens has exceeded your per-minute rate limit";
function rateLimited(input) {
  record({ type: "user", message: { role: "user", content: input } });
  const attempts = 6;
  for (let n = 1; n <= attempts; n++)
    setTimeout(() => {
      // The spinner line and the footer below it, redrawn in place on each attempt.
      const redraw = n === 1 ? "\n" : "\r\x1b[2K\x1b[1A\r\x1b[2K";
      out(`${redraw}✻ ${RATE_LIMIT_TEXT} · retrying in ${2 ** n}s · attempt ${n}/10\n  esc to interrupt`);
      if (n < attempts) return;
      setTimeout(() => {
        record({
          type: "assistant",
          message: {
            id: randomUUID(),
            model: "<synthetic>",
            role: "assistant",
            stop_reason: "stop_sequence",
            stop_sequence: "",
            type: "message",
            usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
            content: [{ type: "text", text: `API Error: ${RATE_LIMIT_TEXT}` }],
          },
          error: "rate_limit",
          isApiErrorMessage: true,
          apiErrorStatus: 429,
          apiErrorType: "rate_limit_error",
        });
        out(`\r\x1b[2K\x1b[1A\r\x1b[2K  ⎿  API Error: ${RATE_LIMIT_TEXT}\n> `);
      }, 700);
    }, 700 * n);
}
function stall(input) {
  stalled = true;
  record({ type: "user", message: { role: "user", content: input } });
  out("✻ Thinking… (esc to interrupt)");
}
// A prompt starting "stall:" or "rate-limited:" does the same for one turn (for tests that
// cannot set the agent's environment, like the browser suite's shared agent).
const turn = (input) =>
  input.startsWith("ask:")
    ? ask(input)
    : modes.has("api-errors") || input.startsWith("rate-limited:")
      ? rateLimited(input)
      : modes.has("stall") || input.startsWith("stall:")
        ? stall(input)
        : out(`${answer(input)}\n> `);

if (args.prompt && !modes.has("hang")) {
  out(`> ${args.prompt}\n`);
  turn(args.prompt);
} else out("> ");

let line = "";
let interrupted = false;
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.setEncoding("utf8");
// Bracketed paste (what a terminal sends for pasted text, and how Stratavore's pool types a
// task): the text between the markers is taken as typed, its line breaks kept in the prompt
// instead of submitting it, as the real TUI does.
let pasting = false;
process.stdin.on("data", (chunk) => {
  for (const part of chunk.split(/(\x1b\[20[01]~)/)) {
    if (part === "\x1b[200~") pasting = true;
    else if (part === "\x1b[201~") pasting = false;
    else if (pasting) {
      line += part.replace(/[\r\n]+/g, " ");
      out(part);
    } else typed(part);
  }
});
function typed(chunk) {
  for (const ch of chunk) {
    if (ch === "\r" || ch === "\n") {
      const input = line;
      line = "";
      out("\n");
      if (asking !== null) {
        const approved = asking;
        asking = null;
        out(`\x1b[2J\x1b[H(allowed)\n${answer(approved)}\n> `);
      } else if (input.trim() === "/clear") clearSession();
      else if (input.trim().startsWith("/resume ")) resumeSession(input.trim().slice("/resume ".length).trim());
      else if (input && !modes.has("hang")) turn(input);
      else out("> ");
    } else if (ch === "\x7f" || ch === "\b") {
      if (line) {
        line = line.slice(0, -1);
        out("\b \b");
      }
    } else if (ch === "\x03") {
      // Raw mode turns Ctrl-C into a byte; like the real TUI, the second one in a row quits.
      if (interrupted) shutdown();
      interrupted = true;
      line = "";
      out("\nPress Ctrl-C again to exit\n> ");
      continue;
    } else if (ch === "\x04" && !line) {
      shutdown();
    } else if (ch >= " ") {
      line += ch;
      out(ch);
    }
    interrupted = false;
  }
}
process.stdin.on("end", shutdown);
process.stdin.on("error", shutdown); // EIO once the PTY is gone
