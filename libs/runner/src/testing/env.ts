/** The runner tests' one read of the environment: the host PATH their fake claudes run with. */
export const hostPath = (): string => process.env.PATH ?? "/usr/bin:/bin";
