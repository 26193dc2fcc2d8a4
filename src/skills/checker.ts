import ts from 'typescript';
import { PROFILES } from '../../primitives/index.ts';
import { limitProblem } from '../check/analyze.ts';
import type { ProgramChecker } from '../check/index.ts';
import type { CheckDiagnostic } from '../check/report.ts';
import { shadowingReason } from '../../primitives/reserved.ts';
import type { TypeChecker } from '../check/typecheck.ts';
import { checkWhitelist } from '../check/whitelist.ts';
import { docOf, firstSentence } from './extract.ts';

// Skills and the type checker. Offered skills are declared to the checker (a ProgramChecker built with
// their declarations), so programs that call them type-check; the declarations hold for each of its
// checks only, as the warm checker is shared by every program of the same API in the process. A skill on
// its own is checked against the primitives (and the stored skills it calls), which also yields the
// signature the model is shown.

/** A skill is a tool and its helpers: a few thousand characters. Longer code is not stored, imported or loaded. */
export const MAX_SKILL_CHARS = 20_000;

/** Every primitive name of every profile: a skill may be offered beside any of them. */
const API_NAMES: ReadonlySet<string> = new Set(Object.values(PROFILES).flatMap((prims) => prims.map((p) => p.name)));

/**
 * Why skill code cannot be kept or loaded before it is parsed or checked (too long), or because of the
 * names it declares (a primitive's, console, a built-in global: it would replace them for every program);
 * null when neither. `names`: the functions it declares, read only when the size is fine.
 */
export function skillCodeProblem(code: string, names: () => Iterable<string>): string | null {
  if (code.length > MAX_SKILL_CHARS) return `its code is ${code.length.toLocaleString('en-US')} characters long; a skill may have at most ${MAX_SKILL_CHARS.toLocaleString('en-US')}`;
  for (const name of names()) {
    const reason = shadowingReason(name, API_NAMES);
    if (reason) return `it defines ${name}(): ${reason}`;
  }
  return null;
}

/** One ambient declaration per skill, for the checker. */
export function declarationsFor(skills: { name: string; signature: string; description: string }[]): string {
  return skills.map((s) => `/** ${s.description.replace(/\*\//g, '* /')} */\ndeclare function ${s.signature};`).join('\n') + (skills.length ? '\n' : '');
}

export interface SkillCheck {
  ok: boolean;
  /** What is wrong, one line each, with the line numbers of the skill's code. */
  problems: string[];
  /** Name → signature as the model sees it, for every function the code declares. */
  signatures: Map<string, string>;
  /** Name → first sentence of its doc comment. */
  descriptions: Map<string, string>;
}

/** `(names: any, start)` reads better as `(names, start)` for the model. */
function plainAny(signature: string): string {
  return signature.replace(/(\b[\w$]+\??): any(?=[,)])/g, '$1');
}

/**
 * Checks skill code on its own: only function declarations at the top level (it is loaded before every
 * program, so it must not act or bind anything else), nothing the sandbox forbids, and no type errors
 * against the primitives plus `declarations` (the stored skills it may call). In the checker thread.
 */
export function checkSkillCode(checker: ProgramChecker, code: string, declarations = ''): Promise<SkillCheck> {
  return checker.checkSkill(code, declarations);
}

/** What checkSkillCode does, in the checker thread. */
export function analyzeSkill(types: TypeChecker, code: string, declarations = ''): SkillCheck {
  const limit = limitProblem(code);
  if (limit) return { ok: false, problems: [limit.message], signatures: new Map(), descriptions: new Map() };
  const analysis = types.analyze(code, undefined, declarations);
  const sf = analysis.sourceFile;
  const problems: string[] = [];
  const at = (node: ts.Node) => `line ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  for (const s of sf.statements) {
    if (!ts.isFunctionDeclaration(s) || !s.name || !s.body) problems.push(`${at(s)}: a skill may only declare functions at its top level`);
  }
  const diagnostics: CheckDiagnostic[] = [...checkWhitelist(sf, types.apiNames), ...analysis.diagnostics];
  for (const d of diagnostics) problems.push(`${d.line ? `line ${d.line}: ` : ''}${d.message}`);
  const checker = analysis.program.getTypeChecker();
  const signatures = new Map<string, string>();
  const descriptions = new Map<string, string>();
  for (const s of sf.statements) {
    if (!ts.isFunctionDeclaration(s) || !s.name) continue;
    const sig = checker.getSignatureFromDeclaration(s);
    const text = sig ? checker.signatureToString(sig, undefined, ts.TypeFormatFlags.NoTruncation) : '(...args): unknown';
    signatures.set(s.name.text, plainAny(`${s.name.text}${text}`));
    descriptions.set(s.name.text, firstSentence(docOf(s)));
  }
  return { ok: problems.length === 0, problems, signatures, descriptions };
}
