import type { CheckDiagnostic } from './report.ts';

// What the type checker is given is bounded before TypeScript sees it: its time grows faster than the
// program (a 25,000-term sum takes a minute) and its parser recurses on nesting. A program past these
// limits gets a diagnostic the model can act on, in place of a check that would freeze or crash.

/** Characters of program (helpers included); model programs are a few thousand. */
export const MAX_PROGRAM_CHARS = 100_000;
/** Brackets ( [ { and template literals open inside one another; counted without parsing. */
export const MAX_BRACKET_NESTING = 100;
/** Depth of the syntax tree (a chain of `a + b + ...` is as deep as it is long); normal programs stay under 40. */
export const MAX_SYNTAX_DEPTH = 200;
/** Wall-clock budget of one check in the checker thread, once it has started on it. */
export const CHECK_BUDGET_MS = 10_000;

const fmt = (n: number) => n.toLocaleString('en-US');
const REWRITE = 'write it shorter: loops, arrays and helper functions instead of repeated code';

export function tooLarge(chars: number): CheckDiagnostic {
  return {
    line: 0,
    message: `the program is too large to check (${fmt(chars)} characters; at most ${fmt(MAX_PROGRAM_CHARS)}): ${REWRITE}`,
    source: 'limit',
  };
}

export function tooDeep(line: number, what = `more than ${MAX_SYNTAX_DEPTH} levels`): CheckDiagnostic {
  return {
    line,
    message: `the program is too deeply nested to check (${what}${line ? ` at line ${line}` : ''}): ${REWRITE}; split long expressions into steps`,
    source: 'limit',
  };
}

export function overBudget(ms: number): CheckDiagnostic {
  return {
    line: 0,
    message: `the program is too large or too complex to check: checking it took longer than ${ms / 1000} s, so it was stopped; ${REWRITE}`,
    source: 'limit',
  };
}

export function checkerStopped(why: string): CheckDiagnostic {
  return {
    line: 0,
    message: `the program is too large or too complex to check: the checker stopped on it (${why}); ${REWRITE}`,
    source: 'limit',
  };
}

/**
 * Size and bracket nesting, read in one pass without parsing (strings and comments skipped roughly: a
 * bracket in a string may count, which errs towards refusing only absurd programs). Null when within limits.
 */
export function sourceLimits(source: string): CheckDiagnostic | null {
  if (source.length > MAX_PROGRAM_CHARS) return tooLarge(source.length);
  let depth = 0;
  let line = 1;
  let quote = 0; // the open quote character, 0 outside strings
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10) line++;
    if (quote) {
      if (c === 92) i++;
      else if (c === quote || (c === 10 && quote !== 96)) quote = 0;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      const end = source.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) break;
      for (let j = i; j < end; j++) if (source.charCodeAt(j) === 10) line++;
      i = end + 1;
    } else if (c === 34 || c === 39 || c === 96) quote = c;
    else if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_BRACKET_NESTING) return tooDeep(line, `brackets nested more than ${MAX_BRACKET_NESTING} deep`);
    } else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return null;
}

/** True when a check's diagnostics say the program was not checked at all because of these limits. */
export const isLimitDiagnostic = (d: CheckDiagnostic) => d.source === 'limit';
