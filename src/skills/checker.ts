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

/** A verified program that calls the skill: parameters the skill leaves untyped take its arguments' types. */
export interface SkillUsage {
  program: string;
  /** Declarations the program was checked with (the skills loaded beside it). */
  declarations: string;
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

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/** The returns of a function's own body (not of functions nested in it). */
function ownReturns(fn: ts.FunctionDeclaration): ts.ReturnStatement[] {
  const out: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isReturnStatement(n)) out.push(n);
    if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return out;
}

/**
 * The return type as the model must read it. The checker runs without strict null checks (models write
 * loose JavaScript), so `return null` beside `return name` reads as `string`; the signature says `string | null`.
 */
function returnType(checker: ts.TypeChecker, fn: ts.FunctionDeclaration): string {
  const sig = checker.getSignatureFromDeclaration(fn);
  let type = sig ? checker.typeToString(sig.getReturnType(), fn, FLAGS) : 'unknown';
  const returns = ownReturns(fn);
  const empty = (r: ts.ReturnStatement) => !r.expression || (ts.isIdentifier(r.expression) && r.expression.text === 'undefined');
  const isNull = (r: ts.ReturnStatement) => r.expression?.kind === ts.SyntaxKind.NullKeyword;
  const valued = returns.some((r) => !empty(r) && !isNull(r));
  const wrap = (t: string) => (t.includes('=>') ? `(${t})` : t);
  if (valued && returns.some(isNull) && !/\bnull\b/.test(type)) type = `${wrap(type)} | null`;
  if (valued && returns.some(empty) && !/\bundefined\b/.test(type)) type = `${wrap(type)} | undefined`;
  return type;
}

/**
 * The signature a skill is offered with: every parameter typed. Types come from the code (TypeScript or
 * JSDoc `@param {T}`); a parameter it leaves untyped gets the type of the argument in the verified call
 * (`callTypes`), and stays `any` only when neither says.
 */
function signatureOf(checker: ts.TypeChecker, fn: ts.FunctionDeclaration, sf: ts.SourceFile, callTypes: (string | undefined)[] = []): string {
  const params = fn.parameters.map((p, i) => {
    const declared = checker.typeToString(checker.getTypeAtLocation(p), p, FLAGS);
    const type = declared === 'any' ? (callTypes[i] ?? 'any') : declared;
    const optional = p.questionToken || p.initializer ? '?' : '';
    return `${p.dotDotDotToken ? '...' : ''}${p.name.getText(sf)}${optional}: ${type}`;
  });
  return `${fn.name!.text}(${params.join(', ')}): ${returnType(checker, fn)}`;
}

/**
 * The types of the arguments of the first call of each named function in a program (literals widened:
 * "top left corner" is a string), for skills whose parameters the code leaves untyped.
 */
function argumentTypes(types: TypeChecker, program: string, names: Iterable<string>, declarations = ''): Map<string, (string | undefined)[]> {
  const wanted = new Set(names);
  const analysis = types.analyze(program, undefined, declarations);
  const checker = analysis.program.getTypeChecker();
  const out = new Map<string, (string | undefined)[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && wanted.has(n.expression.text) && !out.has(n.expression.text)) {
      out.set(
        n.expression.text,
        n.arguments.map((a) => {
          const t = checker.typeToString(checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(a)), a, FLAGS);
          return t === 'any' || t === 'never' ? undefined : t;
        }),
      );
    }
    ts.forEachChild(n, visit);
  };
  visit(analysis.sourceFile);
  return out;
}

/**
 * Checks skill code on its own: only function declarations at the top level (it is loaded before every
 * program, so it must not act or bind anything else), nothing the sandbox forbids, and no type errors
 * against the primitives plus `declarations` (the stored skills it may call). In the checker thread.
 */
export function checkSkillCode(checker: ProgramChecker, code: string, declarations = '', usage?: SkillUsage): Promise<SkillCheck> {
  return checker.checkSkill(code, declarations, usage);
}

/** What checkSkillCode does, in the checker thread. */
export function analyzeSkill(types: TypeChecker, code: string, declarations = '', usage?: SkillUsage): SkillCheck {
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
  const declared = sf.statements.filter((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && !!s.name);
  const callTypes = usage ? argumentTypes(types, usage.program, declared.map((s) => s.name!.text), usage.declarations) : new Map<string, (string | undefined)[]>();
  const signatures = new Map<string, string>();
  const descriptions = new Map<string, string>();
  for (const s of declared) {
    signatures.set(s.name!.text, signatureOf(checker, s, sf, callTypes.get(s.name!.text)));
    descriptions.set(s.name!.text, firstSentence(docOf(s)));
  }
  return { ok: problems.length === 0, problems, signatures, descriptions };
}
