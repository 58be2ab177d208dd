import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { definePlugin } from "@stratavore/contracts";
import { z } from "zod";

const run = promisify(execFile);

/**
 * Example plugin: a launch hook that tags each runner with the git branch its project's
 * checkout is on ("branch:feature/login"), read on the server when the runner is launched.
 * A project that is not a git checkout (or a node-only path) gets no tag.
 *
 * Config: { "prefix": "branch:" } (optional).
 */
export default definePlugin({
  name: "git-branch-tag",
  version: "1.0.0",
  configSchema: z.object({ prefix: z.string().max(40).default("branch:") }),
  setup({ config, log }) {
    return {
      async beforeLaunch({ project }) {
        try {
          // symbolic-ref also names a branch with no commit yet; a detached HEAD has none (it fails).
          const { stdout } = await run("git", ["-C", project.path, "symbolic-ref", "--short", "HEAD"], {
            timeout: 2000,
          });
          const branch = stdout.trim();
          return branch ? { tags: [`${config.prefix}${branch}`] } : {};
        } catch {
          log("info", "no git branch to tag", { project: project.name });
          return {};
        }
      },
    };
  },
});
