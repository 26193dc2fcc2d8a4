import ts from 'typescript';
import type { Analysis } from './typecheck.ts';
import { isForbiddenName } from './whitelist.ts';

// Hierarchical generation (Code as Policies): a program may call a helper that does not exist yet;
// the model is then asked to define it, and the definitions are appended to the program.

export interface MissingHelper {
  name: string;
  /** 1-based line of the first call. */
  line: number;
  /** The call sites as written, so the model sees how the helper is used. */
  calls: string[];
}

/** Functions the program calls by a plain name that nothing declares (not the API, the language or the program). */
export function findMissingHelpers(analysis: Analysis): MissingHelper[] {
  const { sourceFile: sf } = analysis;
  const checker = analysis.program.getTypeChecker();
  const found = new Map<string, MissingHelper>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text;
      if (!isForbiddenName(name) && !checker.getSymbolAtLocation(node.expression)) {
        const entry = found.get(name) ?? { name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, calls: [] };
        if (entry.calls.length < 3) entry.calls.push(node.getText(sf).slice(0, 200));
        found.set(name, entry);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...found.values()];
}

/** Names of the functions a helper definition declares at its top level. */
export function declaredFunctions(code: string): string[] {
  const sf = ts.createSourceFile('helper.ts', code, ts.ScriptTarget.ES2022, true);
  return sf.statements.flatMap((s) => (ts.isFunctionDeclaration(s) && s.name ? [s.name.text] : []));
}

/**
 * Rewrites top-level `const f = (...) => ...` into `function f(...) {...}`: helpers are appended after
 * the program, where only function declarations are visible to the code above them (hoisting).
 */
export function hoistable(code: string): string {
  const sf = ts.createSourceFile('helper.ts', code, ts.ScriptTarget.ES2022, true);
  let out = '';
  let last = 0;
  for (const s of sf.statements) {
    if (!ts.isVariableStatement(s) || s.declarationList.declarations.length !== 1) continue;
    const d = s.declarationList.declarations[0]!;
    const fn = d.initializer;
    if (!ts.isIdentifier(d.name) || !fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) continue;
    const isAsync = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    const params = fn.parameters.map((p) => p.getText(sf)).join(', ');
    const body = ts.isBlock(fn.body) ? fn.body.getText(sf) : `{\n  return ${fn.body.getText(sf)};\n}`;
    out += code.slice(last, s.getStart(sf)) + `${isAsync ? 'async ' : ''}function ${d.name.text}(${params}) ${body}`;
    last = s.getEnd();
  }
  return out + code.slice(last);
}

export const HELPERS_HEADER = '// Helper functions, written on request.';

/**
 * The program with helper definitions appended: function declarations are hoisted, so they work
 * after the code that calls them, and the program's own line numbers stay the same.
 */
export function composeProgram(program: string, helpers: string[]): string {
  if (!helpers.length) return program;
  return `${program.trimEnd()}\n\n${HELPERS_HEADER}\n${helpers.map((h) => h.trim()).join('\n\n')}\n`;
}
