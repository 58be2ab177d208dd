/** Test support's one read of the environment: the host PATH handed to spawned agents. */
export const hostPath = (): string => process.env.PATH ?? "";
