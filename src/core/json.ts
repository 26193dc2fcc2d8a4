import { WandError } from './errors.ts';

// JSON from files and sockets is parsed iteratively by V8, but everything after (validation messages,
// JSON.stringify, recursive walks) recurses: nesting is bounded before anything else sees the data.

/** Files Wand reads (scenes, configs, the skills index) nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** Deepest nesting of arrays and objects in a JSON text (0: a scalar), counted without parsing it. */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * JSON.parse for text a person or another program wrote; `what` names it in errors ("scene file x.json").
 * Throws a usage error for invalid JSON or nesting deeper than `maxDepth`.
 */
export function parseJsonText(text: string, what: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text) > maxDepth) throw new WandError('usage', `${what} is nested more than ${maxDepth} levels deep, which no valid file is`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new WandError('usage', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}
