/** Whether a server URL names this machine (a loopback address). */
export const isLoopback = (server: string): boolean =>
  /^(localhost|127\.[\d.]+|\[::1\])$/.test(new URL(server).hostname);
