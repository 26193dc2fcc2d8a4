import { createHash } from 'node:crypto';
import ts from 'typescript';

// De-duplication. Two pieces of code are the same skill when they differ only in comments, layout and
// the names they chose for their own functions, parameters and variables: the code is reduced to its
// tokens with every name it declares renamed in order of appearance ($0, $1, ...). Exact matches share a
// fingerprint; near-duplicates (a tweaked constant, one extra line) are found by overlap of token trigrams.

/** Trigram overlap (Jaccard) at or above which two skills count as the same. */
export const NEAR_DUPLICATE = 0.92;

/** Every name the code declares: functions, parameters, variables, catch bindings (not property names). */
function declaredIdentifiers(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) out.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassDeclaration(n)) && n.name) out.add(n.name.text);
    if (ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isBindingElement(n)) bind(n.name);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The code's tokens, comments and layout dropped, its own names canonical. */
export function canonicalTokens(code: string): string[] {
  const sf = ts.createSourceFile('skill.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const own = declaredIdentifiers(sf);
  // Top-level functions are numbered first; every other name afresh within each top-level statement, so
  // two functions that happen to reuse a parameter name number it the same way as ones that do not.
  const top = new Map<string, string>();
  for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name && !top.has(st.name.text)) top.set(st.name.text, `$f${top.size}`);
  let names = new Map<string, string>();
  const tokens: string[] = [];
  // The syntax tree's leaves are the tokens, in order, with template and regex literals scanned right.
  const visit = (n: ts.Node): void => {
    if (ts.isJSDoc(n)) return;
    if (n.parent === sf) names = new Map();
    const children = n.getChildren(sf);
    if (children.length) {
      for (const c of children) visit(c);
      return;
    }
    if (n.kind === ts.SyntaxKind.EndOfFileToken || n.kind === ts.SyntaxKind.SemicolonToken) return;
    let text = n.getText(sf);
    if (ts.isIdentifier(n) && top.has(text) && !names.has(text)) {
      text = top.get(text)!;
    } else if (ts.isIdentifier(n) && own.has(text)) {
      if (!names.has(text)) names.set(text, `$${names.size}`);
      text = names.get(text)!;
    } else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
      text = JSON.stringify(n.text);
    } else if (ts.isNumericLiteral(n)) {
      text = String(Number(n.text));
    }
    if (text) tokens.push(text);
  };
  visit(sf);
  // A trailing comma is layout, not meaning.
  return tokens.filter((t, i) => !(t === ',' && /^[)\]}]$/.test(tokens[i + 1] ?? '')));
}

export function fingerprint(code: string): string {
  return createHash('sha256').update(canonicalTokens(code).join(' ')).digest('hex').slice(0, 16);
}

function trigrams(tokens: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) out.add(`${tokens[i]}\u0000${tokens[i + 1]}\u0000${tokens[i + 2]}`);
  if (tokens.length < 3) out.add(tokens.join('\u0000'));
  return out;
}

/** 1 for the same code modulo names, comments and layout; towards 0 as they share less. */
export function similarity(a: string, b: string): number {
  const ta = trigrams(canonicalTokens(a));
  const tb = trigrams(canonicalTokens(b));
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  const union = ta.size + tb.size - shared;
  return union ? shared / union : 1;
}
