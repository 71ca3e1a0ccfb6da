/** Addon objects whose shutdown() already runs on process 'exit'. */
const hooked = new WeakSet<object>();

/**
 * process.exit() ends the process without environment cleanup hooks, so the addon's own teardown (cancel what runs,
 * AbortBackup started snapshot sets, drain and close MI operations) is also run on 'exit'. Once per addon object.
 */
export function shutdownOnExit(native: { shutdown(): void }): void {
  if (hooked.has(native)) return;
  hooked.add(native);
  process.once('exit', () => native.shutdown());
}
