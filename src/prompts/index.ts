import { readFileSync } from 'node:fs';

// Prompts are plain text files beside this module, so they can be read and edited as prose.
// `{{name}}` is replaced by a value; a placeholder left without a value is a bug, so it throws.

const cache = new Map<string, string>();

export function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./${name}.txt`, import.meta.url), 'utf8').replace(/\s+$/, '');
    cache.set(name, text);
  }
  return text;
}

export function hasTemplate(name: string): boolean {
  try {
    template(name);
    return true;
  } catch {
    return false;
  }
}

export function render(name: string, values: Record<string, string | number>): string {
  return template(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`prompt ${name}.txt: no value for {{${key}}}`);
    return String(values[key]);
  });
}
