import type { Split } from './attributes.ts';
import type { SceneObject } from './layout.ts';
import { rng } from './rng.ts';
import { TEMPLATES, type Check, type Template } from './templates.ts';

export interface Episode {
  id: string;
  template: string;
  /** seen: a seen template with seen attributes; unseen: an unseen template, or a seen one with unseen attributes. */
  split: Split;
  seed: number;
  instruction: string;
  scene: { objects: SceneObject[] };
  check: Check;
  /** Reference program (see Draft.solution). */
  solution: string;
}

export type SplitChoice = Split | 'all';

/** The (template, attribute split) pairs that make up a split. */
export function combos(split: SplitChoice): { template: Template; attrs: Split; split: Split }[] {
  const seen = TEMPLATES.filter((t) => t.split === 'seen').map((template) => ({ template, attrs: 'seen' as Split, split: 'seen' as Split }));
  const unseen = [
    ...TEMPLATES.filter((t) => t.split === 'seen').map((template) => ({ template, attrs: 'unseen' as Split, split: 'unseen' as Split })),
    ...TEMPLATES.filter((t) => t.split === 'unseen').map((template) => ({ template, attrs: 'seen' as Split, split: 'unseen' as Split })),
  ];
  return split === 'seen' ? seen : split === 'unseen' ? unseen : [...seen, ...unseen];
}

/** `episodes` episodes per (template, attributes) pair, deterministic in `seed`. */
export function generateEpisodes(opts: { split: SplitChoice; episodes: number; seed: number; templates?: string[] }): Episode[] {
  const out: Episode[] = [];
  for (const { template, attrs, split } of combos(opts.split)) {
    if (opts.templates && !opts.templates.includes(template.id)) continue;
    for (let k = 0; k < opts.episodes; k++) {
      // Each episode has its own seed, so adding templates never changes existing episodes.
      const seed = hash(`${opts.seed}:${template.id}:${attrs}:${k}`);
      const random = rng(seed);
      let draft = null;
      for (let tries = 0; tries < 100 && !draft; tries++) draft = template.draw(random, attrs);
      if (!draft) throw new Error(`template ${template.id} could not draw a feasible scene (seed ${seed})`);
      out.push({
        id: `${template.id}/${split}/${k}`,
        template: template.id,
        split,
        seed,
        instruction: draft.instruction,
        scene: { objects: draft.objects },
        check: draft.check,
        solution: draft.solution,
      });
    }
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
