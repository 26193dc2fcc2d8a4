import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, withApiBlocks } from '../src/docs/readme-api.ts';

describe('README', () => {
  it('lists the primitive API exactly as generated from primitives/ (run `npm run docs` after changing a primitive)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain('<!-- api:tabletop -->');
    expect(readme).toBe(withApiBlocks(readme));
  });
});
