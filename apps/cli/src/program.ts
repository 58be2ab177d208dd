import { Command, CommanderError } from "commander";
import { toFailure } from "./cli-error.ts";
import { registerAdminCommands } from "./commands/admin-commands.ts";
import { registerAgentCommand } from "./commands/agent-command.ts";
import { registerAuthCommands } from "./commands/auth-commands.ts";
import { registerCompletionCommand } from "./commands/completion-command.ts";
import { registerBudgetCommands } from "./commands/budget-commands.ts";
import { registerImportCommand } from "./commands/import-command.ts";
import { registerNodeCommands } from "./commands/nodes-commands.ts";
import { registerPasswordCommand } from "./commands/password-commands.ts";
import { registerProjectCommands } from "./commands/projects-commands.ts";
import { registerRunnerCommands } from "./commands/runners-commands.ts";
import { registerSessionCommands } from "./commands/sessions-commands.ts";
import { registerUsageCommand } from "./commands/usage-command.ts";
import { registerChannelsCommands } from "./commands/channels-commands.ts";
import { registerEventsCommands } from "./commands/events-commands.ts";
import { registerJobsCommands } from "./commands/jobs-commands.ts";
import { registerTaskCommands } from "./commands/task-commands.ts";
import { registerMoveCommands } from "./commands/move-commands.ts";
import { registerWindowsCommands } from "./commands/windows-commands.ts";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes.ts";
import type { CliContext } from "./options.ts";
import { CLI_VERSION } from "./version.ts";
import { terminalSafe } from "./terminal-safe.ts";

const ENVIRONMENT_HELP = `Environment:
  STRATAVORE_SERVER      server URL, overrides the stored login
  STRATAVORE_TOKEN       API token, overrides the stored login
  STRATAVORE_CONFIG_DIR  where config.json is kept (default $XDG_CONFIG_HOME/stratavore or ~/.config/stratavore)
  CLAUDE_CONFIG_DIR      Claude Code's folder; 'import' reads its projects/ (default ~/.claude)`;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("stratavore")
    .description("Command-line client for a Stratavore server")
    .version(CLI_VERSION, "-V, --version")
    // Must precede .command(): subcommands copy these settings when they are created.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // Usage errors follow the same one-line `error [CODE]: message` shape as every other failure.
      outputError: (s, write) => write(`error [USAGE]: ${s.replace(/^error:\s*/, "").trim()}\n`),
    })
    .addHelpText("after", `\n${ENVIRONMENT_HELP}`)
    .addHelpText("afterAll", `\n${EXIT_CODES_HELP}`);
  registerAuthCommands(program, ctx);
  registerPasswordCommand(program, ctx);
  registerProjectCommands(program, ctx);
  registerRunnerCommands(program, ctx);
  registerNodeCommands(program, ctx);
  registerSessionCommands(program, ctx);
  registerUsageCommand(program, ctx);
  registerBudgetCommands(program, ctx);
  registerImportCommand(program, ctx);
  registerAgentCommand(program, ctx);
  registerEventsCommands(program, ctx);
  registerJobsCommands(program, ctx);
  registerTaskCommands(program, ctx);
  registerMoveCommands(program, ctx);
  registerWindowsCommands(program, ctx);
  registerChannelsCommands(program, ctx);
  registerAdminCommands(program, ctx);
  registerCompletionCommand(program, ctx);
  return program;
}

/** Runs one command line and returns the exit code; never throws. */
export async function runCli(program: Command, argv: string[], ctx: CliContext): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    // Commander has already printed its message (or the help); only the exit code is ours.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = toFailure(err);
    ctx.io.stderr.write(`${terminalSafe(failure.line)}\n`);
    return failure.exitCode;
  }
}
