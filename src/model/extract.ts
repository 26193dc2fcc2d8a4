import ts from 'typescript';
import { sourceLimits } from '../check/limits.ts';
import type { Language } from '../check/typecheck.ts';

// Finds the program in a model's reply. A fenced block is the robust form every server and model
// manages; bare code is accepted when it parses and actually does something.

export interface Extracted {
  /** The program, or null when the reply holds none. */
  code: string | null;
  /** From the fence's tag; undefined for untagged or bare code (the checker decides). */
  language?: Language;
  /** Why there is no program, in words for the model. */
  problem?: string;
}

const JS_TAGS: Record<string, Language | undefined> = {
  '': undefined,
  js: 'js',
  javascript: 'js',
  jsx: 'js',
  mjs: 'js',
  node: 'js',
  ts: 'ts',
  typescript: 'ts',
  tsx: 'ts',
};

const FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm;
const OPEN_FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*)$/m;

/** Reasoning models served by Ollama or llama.cpp put their thinking in the content. */
export function stripThinking(reply: string): string {
  return reply.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '').replace(/^[\s\S]*?<\/think>/i, '');
}

/** A program as the model is asked to write it: one ```js block (what extractProgram reads back). */
export function fenced(program: string): string {
  return '```js\n' + program.trimEnd() + '\n```';
}

export function extractProgram(reply: string): Extracted {
  const text = stripThinking(reply).replace(/\r\n?/g, '\n');
  const blocks = [...text.matchAll(FENCE)].map((m) => ({ tag: m[2]!.toLowerCase(), body: m[3]! }));
  // A reply cut off by the token limit (or a forgotten closing fence) still carries its program.
  if (!blocks.length) {
    const open = OPEN_FENCE.exec(text);
    if (open) blocks.push({ tag: open[2]!.toLowerCase(), body: open[3]! });
  }
  const code = blocks.filter((b) => Object.hasOwn(JS_TAGS, b.tag) && b.body.trim());
  if (code.length) {
    // Several blocks are usually helpers plus the main program; they run as one.
    const tags = new Set(code.map((b) => JS_TAGS[b.tag]).filter(Boolean));
    return { code: code.map((b) => b.body.trimEnd()).join('\n\n') + '\n', language: tags.size === 1 ? [...tags][0] : undefined };
  }
  if (blocks.length) {
    const tag = blocks[0]!.tag;
    return { code: null, problem: `Your reply has a ${tag || 'non-code'} block, but programs must be JavaScript.` };
  }
  if (looksLikeCode(text)) return { code: text.trim() + '\n' };
  return { code: null, problem: 'Your reply has no program.' };
}

/** Bare code: parses cleanly and calls something, so a prose sentence or a lone word is not taken for a program. */
function looksLikeCode(text: string): boolean {
  if (!text.trim()) return false;
  // Too big or too nested to parse here (on the main thread): taken as code, and the check says why it cannot run.
  if (sourceLimits(text)) return true;
  const sf = ts.createSourceFile('reply.ts', text, ts.ScriptTarget.ES2022, true);
  if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length) return false;
  let acts = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) || ts.isFunctionDeclaration(n)) acts = true;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return acts;
}
