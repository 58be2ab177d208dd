import type { Command } from "commander";
import { CliError, usageError } from "../cli-error.ts";
import { ask, print } from "../io.ts";
import type { CliContext } from "../options.ts";
import { connect } from "../session.ts";

export function registerProjectDelete(projects: Command, { env, io }: CliContext): void {
  projects
    .command("delete")
    .description("delete a project and its history (admin only; cannot be undone)")
    .argument("<project>", "project name or id")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .action(async (ref: string, opts: { yes?: boolean }) => {
      // Checked before any request: a script must never delete because nobody could be asked.
      if (!opts.yes && !io.interactive)
        throw usageError(`Refusing to delete '${ref}' without --yes: stdin is not a terminal.`);
      const api = await connect(env);
      const project = await api.projects.get.query({ ref });
      if (!opts.yes) {
        const answer = await ask(
          io,
          `Delete project '${project.name}' (${project.path}) and all its history? Type its name to confirm: `,
        );
        if (answer !== project.name) throw new CliError("ABORTED", "Confirmation did not match; nothing was deleted.");
      }
      await api.projects.delete.mutate({ id: project.id });
      print(io, `Deleted project ${project.name}`);
    });
}
