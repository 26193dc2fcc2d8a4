import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiText, primitivesFor, type ProfileName } from '../../primitives/index.ts';

// The README's API listings are generated from primitives/, like the prompt and the .d.ts,
// and a test fails when they drift. `npm run docs` rewrites them.

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

export function apiBlock(profile: ProfileName): string {
  return `<!-- api:${profile} -->\n\`\`\`ts\n${apiText(primitivesFor(profile))}\n\`\`\`\n<!-- /api:${profile} -->`;
}

export function withApiBlocks(readme: string): string {
  return readme.replace(/<!-- api:(\w+) -->[\s\S]*?<!-- \/api:\1 -->/g, (_m, profile: ProfileName) => apiBlock(profile));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, withApiBlocks(readFileSync(README, 'utf8')));
  console.log('README.md API listings updated');
}
