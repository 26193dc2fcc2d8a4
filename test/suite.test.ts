import { describe, expect, it } from 'vitest';
import { parseScene } from '../sim/tabletop/scene.ts';
import { createTabletopSim } from '../sim/tabletop/sim.ts';
import { primitivesFor } from '../primitives/index.ts';
import { runProgram } from '../src/run/run-program.ts';
import { generateEpisodes, type Episode } from '../src/tasks/suite.ts';
import { TEMPLATES } from '../src/tasks/templates.ts';
import type { ObjectInfo } from '../primitives/schemas.ts';

const episodes = generateEpisodes({ split: 'all', episodes: 1, seed: 0 });

async function solve(ep: Episode): Promise<{ initial: ObjectInfo[]; final: ObjectInfo[]; error: unknown }> {
  const sim = await createTabletopSim(parseScene(ep.scene));
  try {
    const initial = sim.objects();
    const result = await runProgram({ source: ep.solution, backend: sim, primitives: primitivesFor('tabletop') });
    return { initial, final: result.state.objects, error: result.error };
  } finally {
    await sim.dispose();
  }
}

describe('tabletop suite', () => {
  it('covers every template in both splits, seen templates also with unseen attributes', () => {
    const ids = new Set(TEMPLATES.map((t) => t.id));
    expect(new Set(episodes.map((e) => e.template))).toEqual(ids);
    expect(episodes.filter((e) => e.split === 'seen').every((e) => TEMPLATES.find((t) => t.id === e.template)!.split === 'seen')).toBe(true);
    expect(episodes.filter((e) => e.split === 'unseen').length).toBe(TEMPLATES.length);
  });

  it('is deterministic in the seed and differs across seeds', () => {
    const again = generateEpisodes({ split: 'all', episodes: 1, seed: 0 });
    expect(again.map((e) => [e.instruction, e.scene])).toEqual(episodes.map((e) => [e.instruction, e.scene]));
    const other = generateEpisodes({ split: 'all', episodes: 1, seed: 1 });
    expect(other.map((e) => e.scene)).not.toEqual(episodes.map((e) => e.scene));
  });

  it('generates valid scenes for many seeds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const ep of generateEpisodes({ split: 'all', episodes: 2, seed })) expect(() => parseScene(ep.scene)).not.toThrow();
    }
  });

  // Each predicate accepts the state the reference program reaches (so the scene is feasible) and
  // rejects a near miss: one moved object displaced by 7 cm in x and y.
  it.each(episodes.map((e) => [e.id, e] as const))('%s: the predicate accepts a solution and rejects a near miss', async (_id, ep) => {
    const { initial, final, error } = await solve(ep);
    expect(error).toBeNull();
    const verdict = ep.check(initial, final);
    expect(verdict, verdict.reason).toEqual({ success: true, reason: 'ok' });

    const moved = final.find((o) => {
      const before = initial.find((b) => b.name === o.name)!;
      return Math.hypot(o.position.x - before.position.x, o.position.y - before.position.y) > 0.02;
    })!;
    expect(moved).toBeDefined();
    const nearMiss = final.map((o) =>
      o.name === moved.name ? { ...o, position: { ...o.position, x: o.position.x + 0.07, y: o.position.y + 0.07 } } : o,
    );
    expect(ep.check(initial, nearMiss).success).toBe(false);
  });
});
