/** The test tooling's one read of the environment: which vitest worker this is (1…maxWorkers). */
export const vitestPoolId = (): number => Number(process.env.VITEST_POOL_ID ?? "1");
