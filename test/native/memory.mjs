// Memory readings for the native start/cancel cycle tests (test/native/*-teardown.test.mjs).
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Start/cancel cycles to run after the warm-up (WINOPS_NATIVE_CYCLES, default 1000). */
export const CYCLES = Number(process.env.WINOPS_NATIVE_CYCLES ?? 1000);

/** V8 heap in use after two full GCs, in MB. */
export function heapMb() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Resident memory outside V8's heap (native allocations, thread stacks, the Wine heap), after a GC, in MB. */
export function outsideHeapMb() {
  heapMb();
  const m = process.memoryUsage();
  return (m.rss - m.heapTotal) / 2 ** 20;
}
