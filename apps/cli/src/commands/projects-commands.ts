import type { Command } from "commander";
import type { CliContext } from "../options.ts";
import { registerProjectDelete } from "./projects-delete.ts";
import { registerProjectReads } from "./projects-read.ts";
import { registerProjectWrites } from "./projects-write.ts";

export function registerProjectCommands(program: Command, ctx: CliContext): void {
  const projects = program.command("projects").alias("project").description("list, inspect and manage projects");
  registerProjectReads(projects, ctx);
  registerProjectWrites(projects, ctx);
  registerProjectDelete(projects, ctx);
}
