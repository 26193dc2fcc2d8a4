import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiText, primitivesFor, type ProfileName } from '../../primitives/index.ts';
import { benchmarkMarkdown } from '../bench/docs.ts';

// The README's API listings (generated from primitives/, like the prompt and the .d.ts) and its benchmark
// definitions (generated from src/tasks/) cannot drift: a test fails when they do. `npm run docs` rewrites them.

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

export function apiBlock(profile: ProfileName): string {
  return `<!-- api:${profile} -->\n\`\`\`ts\n${apiText(primitivesFor(profile))}\n\`\`\`\n<!-- /api:${profile} -->`;
}

export function withGeneratedBlocks(readme: string): string {
  return readme
    .replace(/<!-- api:(\w+) -->[\s\S]*?<!-- \/api:\1 -->/g, (_m, profile: ProfileName) => apiBlock(profile))
    .replace(/<!-- benchmark -->[\s\S]*?<!-- \/benchmark -->/, () => `<!-- benchmark -->\n${benchmarkMarkdown()}<!-- /benchmark -->`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, withGeneratedBlocks(readFileSync(README, 'utf8')));
  console.log('README.md generated sections updated');
}
