import ts from 'typescript';
import { findMissingHelpers, type MissingHelper } from './helpers.ts';
import { MAX_SYNTAX_DEPTH, sourceLimits, tooDeep } from './limits.ts';
import { report, type CheckReport } from './report.ts';
import type { Language, TypeChecker } from './typecheck.ts';
import { checkWhitelist, isForbiddenName } from './whitelist.ts';

// One program through everything before anything moves: limits, whitelist, types. Runs in the checker
// thread (thread.ts), never on the main thread, where a slow check would freeze Ctrl-C and the e-stop.

export interface ProgramCheck extends CheckReport {
  /** Functions called but defined nowhere: candidates for hierarchical generation. */
  missing: MissingHelper[];
  language: Language;
}

export interface CheckOptions {
  language?: Language;
  /** Calls to undefined functions are listed in `missing` and not reported as errors. */
  allowMissing?: boolean;
}

/** "Cannot find name" in its variants (plain, with a spelling suggestion, "install @types/node"). */
const NOT_FOUND = new Set([2304, 2552, 2580, 2582, 2591]);
/** Module resolution and dynamic import complaints, which the whitelist explains better. */
const MODULE_CODES = new Set([1323, 2307, 2792]);

/** The quoted name in "Cannot find name 'x'." */
function nameIn(message: string): string {
  return /'([^']+)'/.exec(message)?.[1] ?? '';
}

/**
 * The syntax tree's depth, walked without recursion: past MAX_SYNTAX_DEPTH the checker's time explodes
 * and every recursive walk (the whitelist's, TypeScript's own) risks the stack. Null when within it.
 */
export function syntaxDepthProblem(source: string): ReturnType<typeof tooDeep> | null {
  const sf = ts.createSourceFile('/wand/depth.ts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const stack: [ts.Node, number][] = [[sf, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_SYNTAX_DEPTH) return tooDeep(sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1);
    ts.forEachChild(node, (child) => void stack.push([child, depth + 1]));
  }
  return null;
}

/** Limits first: a program past them is not given to TypeScript at all. */
export function limitProblem(source: string): ProgramCheck['diagnostics'][number] | null {
  const lexical = sourceLimits(source);
  if (lexical) return lexical;
  try {
    return syntaxDepthProblem(source);
  } catch (err) {
    if (err instanceof RangeError) return tooDeep(0, 'the parser ran out of stack');
    throw err;
  }
}

export function analyzeProgram(types: TypeChecker, source: string, opts: CheckOptions, declarations: string): ProgramCheck {
  const limit = limitProblem(source);
  if (limit) return { ok: false, diagnostics: [limit], missing: [], language: opts.language ?? 'js' };
  const analysis = types.analyze(source, opts.language, declarations);
  // "Cannot find name 'pickUp'. Did you mean 'pick'?" is a typo to fix, not a helper to write.
  const typos = new Set(analysis.diagnostics.filter((d) => d.code === 2552).map((d) => nameIn(d.message)));
  const missing = findMissingHelpers(analysis).filter((m) => !typos.has(m.name));
  const missingNames = new Set(missing.map((m) => m.name));
  const typeErrors = analysis.diagnostics.filter(
    (d) => !(opts.allowMissing && NOT_FOUND.has(d.code!) && missingNames.has(nameIn(d.message))),
  );
  const whitelist = checkWhitelist(analysis.sourceFile, types.apiNames);
  // A forbidden name or an import is also "not found" by the type checker; one explanation is enough.
  const typeOnly = typeErrors.filter((d) => !((NOT_FOUND.has(d.code!) && isForbiddenName(nameIn(d.message))) || MODULE_CODES.has(d.code!)));
  return { ...report([...whitelist, ...typeOnly]), missing, language: analysis.language };
}
