import { InvalidArgumentError, Option, type Command } from "commander";

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
};
const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** `--join-token -`: the token comes from stdin (first line), never from argv. */
export async function resolveJoinToken(
  flag: string | undefined,
  stdin: AsyncIterable<Buffer | string>,
): Promise<string | undefined> {
  if (flag !== "-") return flag;
  let text = "";
  for await (const chunk of stdin) text += chunk.toString();
  const token = text.split("\n")[0]?.trim();
  if (!token) throw new Error("--join-token - read nothing from stdin.");
  return token;
}

/** The agent's flags, shared by `apps/agent` and `stratavore agent` so the two cannot drift. */
export function addAgentFlags(
  command: Command,
  defaults: { server?: string; joinToken?: string; dataDir?: string },
): Command {
  return command
    .requiredOption("--server <url>", "server URL", defaults.server)
    .option(
      "--join-token <token>",
      "single-use join token, needed only the first time; '-' reads it from stdin. Prefer STRATAVORE_JOIN_TOKEN or '-': an argument is visible to every user in `ps`",
      defaults.joinToken,
    )
    .option(
      "--data-dir <dir>",
      "node credential, runner logs and spool (default ~/.stratavore/agent)",
      defaults.dataDir,
    )
    .option("--name <name>", "node name (default: hostname)")
    .option("--capacity <n>", "most runners at once", positive, 5)
    .option("--labels <list>", "comma-separated labels", list, [])
    .option("--claude-bin <path>", "claude executable (default: PATH, then the npm package)")
    .option("--heartbeat-seconds <n>", "heartbeat interval", positive, 10)
    .option("--usage-seconds <s>", "how often transcripts are read and usage shipped", Number, 2)
    .addOption(
      new Option("--cgroups <mode>", "runner isolation: auto picks the best this machine allows")
        .choices(["auto", "v2", "v1", "off"])
        .default("auto"),
    )
    .option(
      "--pass-env <names>",
      "comma-separated environment variables claude may see beyond the allow-list (e.g. AWS_PROFILE)",
      list,
      [],
    )
    .option("--parent-pid <pid>", "exit when this process exits", positive)
    .option(
      "--local",
      "the server's own local agent (npm start): its node credential follows the server to a new address",
    );
}
