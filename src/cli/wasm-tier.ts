import { setFlagsFromString } from 'node:v8';

/**
 * Keeps WebAssembly (rapier, QuickJS) in V8's baseline compiler, Liftoff, for the life of a process whose
 * programs are short: `wand run`, and `wand ask`, whose rounds run a program or two each.
 *
 * V8 first compiles wasm with Liftoff and then re-compiles hot functions with TurboFan in the background.
 * Rapier's step and QuickJS's interpreter are each one huge function: optimising rapier's alone takes about
 * a second of CPU and ~150 MB, and a process cannot exit before it is done. Measured as whole `wand run`
 * processes on the 2-core machine, Liftoff only: print(1) 0.5 s instead of 1.5 s, a 12-move program 60x
 * real time instead of 17-20x, a guest busy loop 2 s instead of 10 s; a one-instruction `wand ask` 1.5 s of
 * CPU and 210 MB instead of 3.2 s and 340 MB. TurboFan wins only after minutes of simulated time, which is why
 * the server and the benchmark keep V8's default.
 *
 * Must run before any wasm is compiled; V8 reads these flags when it compiles a module.
 */
export function preferBaselineWasm(): void {
  setFlagsFromString('--liftoff-only');
}
