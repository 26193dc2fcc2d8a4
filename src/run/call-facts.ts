import { cm } from '../../primitives/tabletop/vocabulary.ts';
import type { CallRecord } from './result.ts';

/**
 * What a call stated besides its result, in words: a crowded target, the other objects it pushed, a stand-in's
 * answer in the simulator ("not simulated"). The same
 * words go to the terminal, the run report, the model's feedback and the verifier: facts, not failures.
 */
export function callFacts(c: CallRecord): string[] {
  return [
    ...(c.notSimulated ? ['not simulated'] : []),
    ...(c.notes ?? []),
    ...(c.pushed ?? []).map((p) => `pushed the ${p.object} ${cm(p.distance)}`),
  ];
}
