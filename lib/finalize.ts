/**
 * Releases what a caller dropped without closing: a SnapshotSet, an MI session or stream, an AXE job. Each owner
 * registers a cleanup that does not reference the owner itself, so the owner can be collected; close() unregisters.
 * Backup agents run for months: an abandoned object must not hold a shadow copy or an MI operation until exit.
 */
const registry = new FinalizationRegistry<() => unknown>((cleanup) => {
  try {
    const r = cleanup();
    if (r instanceof Promise) r.catch(() => undefined);
  } catch {
    // nothing to report to: the owner is gone
  }
});

/** Registers cleanup for owner; returns the token to pass to {@link releaseOnClose}. */
export function releaseWhenCollected(owner: object, cleanup: () => unknown): object {
  const token = {};
  registry.register(owner, cleanup, token);
  return token;
}

/** The owner was closed properly: forget its cleanup. */
export function releaseOnClose(token: object): void {
  registry.unregister(token);
}
