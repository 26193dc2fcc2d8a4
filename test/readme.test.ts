import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, withGeneratedBlocks } from '../src/docs/readme.ts';

describe('README', () => {
  it('lists the primitive API and the benchmark predicates exactly as generated (run `npm run docs` after changing them)', () => {
    const readme = readFileSync(README, 'utf8');
    for (const block of ['<!-- api:tabletop -->', '<!-- api:mobile -->', '<!-- benchmark -->']) expect(readme).toContain(block);
    expect(readme).toBe(withGeneratedBlocks(readme));
  });
});
