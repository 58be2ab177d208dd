/**
 * "This user's access may have changed": a token revoked, a sign-in ended, a role changed, the
 * account disabled. Services call `changed` after the change committed; the socket server
 * re-checks that user's open sockets at once and disconnects those that lost their right.
 * In-process: with several server instances each socket is also re-checked on every privileged
 * event (socket-server.ts), which holds across instances.
 */
export class AccessWatch {
  private readonly listeners = new Set<(userId: string) => void>();

  changed(userId: string): void {
    for (const listener of this.listeners) listener(userId);
  }

  onChange(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
