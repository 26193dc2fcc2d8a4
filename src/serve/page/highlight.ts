import hljs from 'highlight.js/lib/core';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';

// Only the two languages programs are written in, so the bundle does not carry all of highlight.js.
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('typescript', typescript);

/** HTML for a program: highlight.js escapes the text, so printed program text never becomes markup. */
export function highlightProgram(source: string): string {
  return hljs.highlight(source, { language: 'typescript', ignoreIllegals: true }).value;
}

/** A <pre><code> block with the highlighted program and line numbers in the gutter. */
export function programBlock(source: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'program hljs';
  const code = document.createElement('code');
  code.innerHTML = highlightProgram(source);
  const gutter = document.createElement('span');
  gutter.className = 'gutter';
  gutter.textContent = source.split('\n').map((_, i) => String(i + 1)).join('\n');
  pre.append(gutter, code);
  return pre;
}
