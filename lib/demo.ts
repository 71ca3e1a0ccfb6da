/**
 * `npm run demo`: a short tour of the four families, each with a cancel. It is `winops demo` (the one implementation
 * is lib/cli/commands/demo.ts); this file only runs it, so the two cannot drift apart. On Windows it runs the real
 * APIs; elsewhere it says so and simulates Windows with the fake backend.
 */
import { run } from './cli/main';

export { DEMO_SCENARIO } from './cli/commands/demo';

/** Runs `winops [globalOptions...] demo` in this process and exits with its status. */
export function runDemo(globalOptions: readonly string[] = process.argv.slice(2)): void {
  run([...globalOptions, 'demo']);
}

if (require.main === module) runDemo();
