import { el } from './dom.ts';
import { highlightProgram } from './highlight.ts';

// A plain textarea over a highlighted copy of its text: native editing (undo, selection, IME, copy and
// paste) with syntax colours, and no editor library. Ctrl/Cmd+Enter runs; Tab indents.

/** A first program per world, replaced when the world changes unless the person has edited it. */
export const EXAMPLES: Record<string, string> = {
  tabletop: `// Runs directly in the simulator: no model needed.
const blocks = getObjects().filter((o) => o.kind === 'block');
for (const block of blocks) {
  putOn(block.name, 'middle');
  say(\`stacked the \${block.name}\`);
}
home();
`,
  mobile: `// Runs directly in the simulator: no model needed.
say(\`starting at \${JSON.stringify(getPose())}\`);
goTo('door');
goTo('kitchen');
turn(180);
print(scan());
`,
};

export class Editor {
  readonly root: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly code: HTMLElement;
  readonly runButton: HTMLButtonElement;

  constructor(onRun: (source: string) => void) {
    this.textarea = el('textarea', {
      class: 'editor-input',
      attrs: { spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', 'aria-label': 'program editor' },
    });
    this.textarea.value = EXAMPLES.tabletop!;
    this.code = el('code', { class: 'hljs' });
    const layer = el('pre', { class: 'editor-highlight', attrs: { 'aria-hidden': 'true' } }, this.code);
    this.runButton = el('button', { class: 'run', text: 'Run program', title: 'Ctrl+Enter', attrs: { type: 'button' } });
    this.runButton.addEventListener('click', () => onRun(this.textarea.value));
    this.root = el(
      'section',
      { class: 'editor' },
      el('header', {}, el('h2', { text: 'Program' }), this.runButton),
      el('div', { class: 'editor-body' }, layer, this.textarea),
    );
    this.textarea.addEventListener('input', () => this.paint());
    this.textarea.addEventListener('scroll', () => {
      layer.scrollTop = this.textarea.scrollTop;
      layer.scrollLeft = this.textarea.scrollLeft;
    });
    this.textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        onRun(this.textarea.value);
      } else if (e.key === 'Tab' && !e.shiftKey) {
        e.preventDefault();
        document.execCommand('insertText', false, '  '); // keeps the browser's undo history
      }
    });
    this.paint();
  }

  /** Shows the new world's example, unless the person has written something of their own. */
  worldChanged(from: string, to: string): void {
    if (from !== to && this.textarea.value === EXAMPLES[from] && EXAMPLES[to]) this.set(EXAMPLES[to]!);
  }

  set(source: string): void {
    this.textarea.value = source;
    this.paint();
  }

  private paint(): void {
    // A trailing newline needs a character after it, or the highlighted copy is one line short.
    this.code.innerHTML = highlightProgram(this.textarea.value) + '\n ';
  }
}
