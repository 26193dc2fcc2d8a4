import { mulberry32 } from '../../sim/tabletop/prng.ts';

/** Episodes use the simulator's seeded generator, so a seed names the same episode on every machine. */
export const rng = mulberry32;

export function pickOne<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
