import { z } from "zod";

/**
 * Field messages people read under a form field or in a CLI error: "Required" and "At most 80
 * characters", not zod's "Too small: expected string to have >=1 characters" (seen on the
 * API tokens page). Only these wordings change; a schema's own message still wins.
 */
z.config({
  customError: (issue) => {
    if (issue.origin !== "string") return undefined;
    if (issue.code === "too_small") return issue.minimum === 1 ? "Required" : `At least ${issue.minimum} characters`;
    if (issue.code === "too_big") return `At most ${issue.maximum} characters`;
    return undefined;
  },
});
