import ts from 'typescript';

// Tools in a program: top-level function declarations with a JSDoc comment. CREATOR's creation step
// ("define a general, documented function, then call it") shows up in the model's reply as exactly
// that, so the compiler's parser finds it; the undocumented functions a tool calls (helpers written on
// request, small utilities) travel with it, so a stored tool is self-contained.

export interface ToolDefinition {
  name: string;
  /** The doc comment's first sentence, one line. */
  description: string;
  /** The whole doc comment text (without the tags), for people. */
  doc: string;
  /** Parameters as written, e.g. ["names", "start", "end = 'middle'"]. */
  params: string[];
  /** The declaration with its doc comment, as written. */
  code: string;
  /** Other top-level functions of the program it needs, transitively (their code is in `bundle`). */
  helpers: string[];
  /** The tool followed by its helpers: what would be stored. */
  bundle: string;
}

interface TopFunction {
  name: string;
  node: ts.FunctionDeclaration;
  code: string;
  /** Names called by plain identifier inside the body. */
  calls: Set<string>;
  /** Its doc comment's text (without tags), '' when it has none. */
  doc: string;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('program.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Names called as `name(...)` anywhere under the node. */
function callsIn(node: ts.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) out.add(n.expression.text);
    // A function passed by name (`names.forEach(place)`) is a use too.
    else if (ts.isIdentifier(n) && n.parent && ts.isCallExpression(n.parent) && n.parent.arguments.includes(n as ts.Expression)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** The `/** ... *\/` comments right before a statement, in order. */
function docBlocks(sf: ts.SourceFile, node: ts.Node): ts.CommentRange[] {
  return (ts.getLeadingCommentRanges(sf.text, node.pos) ?? []).filter(
    (r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && sf.text.startsWith('/**', r.pos) && !sf.text.startsWith('/**/', r.pos),
  );
}

/** A doc comment's lines without the comment markers. */
function docLines(raw: string): string[] {
  return raw
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*?\s?/, '').trimEnd());
}

/** A doc comment's text up to its first tag, without the comment markers. */
function docText(raw: string): string {
  const lines = docLines(raw);
  const end = lines.findIndex((l) => /^\s*@/.test(l));
  return (end < 0 ? lines : lines.slice(0, end)).join('\n').trim();
}

/**
 * The whole doc of a top-level function, tags included (what each parameter is), without the comment
 * markers: every doc comment right before it, in order; '' when it has none. This is what a stored skill
 * is offered with, never cut short.
 */
export function wholeDoc(code: string, name: string): string {
  const sf = parse(code);
  const fn = sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (!fn) return '';
  return docBlocks(sf, fn)
    .map((r) => docLines(sf.text.slice(r.pos, r.end)).join('\n').trim())
    .filter(Boolean)
    .join('\n');
}

/** The doc comment's text of a top-level function, '' when it has none (the nearest one that says something). */
export function docOf(fn: ts.FunctionDeclaration, sf: ts.SourceFile = fn.getSourceFile()): string {
  const texts = docBlocks(sf, fn).map((r) => docText(sf.text.slice(r.pos, r.end)));
  return [...texts].reverse().find(Boolean) ?? '';
}

function topFunctions(sf: ts.SourceFile): Map<string, TopFunction> {
  const out = new Map<string, TopFunction>();
  for (const s of sf.statements) {
    if (!ts.isFunctionDeclaration(s) || !s.name || !s.body) continue;
    const docs = docBlocks(sf, s);
    const start = docs.length ? docs[0]!.pos : s.getStart(sf);
    out.set(s.name.text, { name: s.name.text, node: s, code: sf.text.slice(start, s.getEnd()), calls: callsIn(s.body), doc: docOf(s, sf) });
  }
  return out;
}

/** The first sentence, on one line: it ends at ".", "!" or "?" before a capital or the end, so "e.g. the" does not end it. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(?=\s+[A-Z0-9"'(\[]|$)/.exec(flat);
  return m ? m[1]! : flat;
}

/** The documented top-level functions of a program (a tool needs a non-empty doc comment). */
export function findTools(program: string): ToolDefinition[] {
  const sf = parse(program);
  const fns = topFunctions(sf);
  const tools: ToolDefinition[] = [];
  for (const fn of fns.values()) {
    const doc = fn.doc;
    if (!doc) continue;
    // Helpers: the program's other functions this one reaches through calls, in program order.
    const needed = new Set<string>();
    const queue = [...fn.calls];
    while (queue.length) {
      const name = queue.shift()!;
      if (name === fn.name || needed.has(name) || !fns.has(name)) continue;
      needed.add(name);
      queue.push(...fns.get(name)!.calls);
    }
    const helpers = [...fns.keys()].filter((n) => needed.has(n));
    tools.push({
      name: fn.name,
      description: firstSentence(doc),
      doc,
      params: fn.node.parameters.map((p) => p.getText(sf)),
      code: fn.code,
      helpers,
      bundle: [fn.code, ...helpers.map((h) => fns.get(h)!.code)].join('\n\n') + '\n',
    });
  }
  return tools;
}

/**
 * Names a program calls (or passes as an argument) by plain identifier and does not define at its top
 * level. Callers intersect it with the names they care about (stored skills), so argument variables are harmless.
 */
export function freeCalls(program: string): Set<string> {
  const sf = parse(program);
  const own = topFunctions(sf);
  const out = new Set<string>();
  for (const name of callsIn(sf)) if (!own.has(name)) out.add(name);
  return out;
}

/** 1-based lines of the program on which each name is called. */
export function callLines(program: string, names: Iterable<string>): Map<string, Set<number>> {
  const wanted = new Set(names);
  const sf = parse(program);
  const out = new Map<string, Set<number>>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && wanted.has(n.expression.text)) {
      const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
      const set = out.get(n.expression.text) ?? new Set<number>();
      set.add(line);
      out.set(n.expression.text, set);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Names of the top-level functions a piece of code declares. */
export function declaredNames(code: string): string[] {
  return [...topFunctions(parse(code)).keys()];
}

/** Each top-level function's text (doc comment excluded), by name: to tell a shared helper from a clash. */
export function functionTexts(code: string): Map<string, string> {
  const sf = parse(code);
  return new Map([...topFunctions(sf).values()].map((f) => [f.name, f.node.getText(sf)]));
}
