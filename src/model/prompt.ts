import type { StateSnapshot, WorldInfo } from '../../primitives/backend.ts';
import type { Primitive } from '../../primitives/define.ts';
import { apiText } from '../../primitives/dts.ts';
import { vocabularyText } from '../../primitives/tabletop/vocabulary.ts';
import type { CheckDiagnostic } from '../check/report.ts';
import type { MissingHelper } from '../check/helpers.ts';
import { previewText } from '../core/preview.ts';
import { callFacts } from '../run/call-facts.ts';
import type { RunResult } from '../run/result.ts';
import { hasTemplate, render } from '../prompts/index.ts';
import type { ChatMessage } from './chat.ts';
import { verificationFacts } from './facts.ts';
import { movedText, observationText } from './observation.ts';

// Assembles what the model is sent. The system message (API, world, examples) is the same for every
// request of a world, earlier turns are only ever appended to, and the observation and instruction come
// last, so providers' prompt caches hold everything but the newest message.

export interface PromptWorld {
  profile: string;
  primitives: Primitive<any>[];
  world: WorldInfo;
  /** Signatures of extra callable functions (stored skills), listed after the API. */
  extraApi?: string;
}

const range = (r: [number, number]) => `${r[0]}..${r[1]}`;
const coord = (v: number) => String(Math.round(v * 1000) / 1000);

export function worldText(w: PromptWorld): string {
  const named = Object.entries(w.world.namedPositions)
    .map(([name, p]) => `${name} (${coord(p.x)}, ${coord(p.y)})`)
    .join(', ');
  const file = hasTemplate(`world-${w.profile}`) ? `world-${w.profile}` : 'world-generic';
  const b = w.world.bounds;
  // The tabletop's spatial vocabulary (directions, named positions, relations with their tolerances) is
  // generated, like the API, so the prompt says exactly what place(), isOn() and the benchmark check.
  const vocabulary = w.profile === 'tabletop' ? vocabularyText(w.world) : '';
  return render(file, { x: range(b.x), y: range(b.y), z: range(b.z), named: named || 'none', vocabulary });
}

export function systemPrompt(w: PromptWorld): string {
  const api = apiText(w.primitives) + (w.extraApi ? `\n${w.extraApi}` : '');
  const examples = hasTemplate(`examples-${w.profile}`) ? render(`examples-${w.profile}`, {}) : '(none)';
  return render('system', { api, world: worldText(w), examples });
}

/**
 * The instruction with the world as it is now. `askForTool`: the instruction is general and tools are kept,
 * so the model is asked to write a reusable function first (only then: it costs tokens).
 */
export function turnMessage(instruction: string, state: StateSnapshot, previousOutcome?: string, askForTool = false): string {
  const previous = previousOutcome ? `${render('previous-outcome', { outcome: previousOutcome })}\n\n` : '';
  const general = askForTool ? `${render('general-task', {})}\n` : '';
  return render('turn', { previous, observation: observationText(state), general, instruction });
}

export function noProgramFeedback(problem: string): string {
  return render('feedback-no-program', { problem });
}

/** The program's line, quoted with the diagnostic: models are poor at counting lines. */
function quote(program: string, line: number | undefined): string {
  const text = line ? program.split('\n')[line - 1]?.trim() : undefined;
  if (!text) return '';
  return ` \`${text.length > 100 ? text.slice(0, 100) + '...' : text}\``;
}

export function checkFeedback(diagnostics: CheckDiagnostic[], program: string): string {
  const lines = diagnostics.map((d) => (d.line ? `- line ${d.line}${quote(program, d.line)}: ${d.message}` : `- ${d.message}`));
  return render('feedback-check', { diagnostics: lines.join('\n') });
}

export function helperRequest(missing: MissingHelper): string {
  return render('helper', { name: missing.name, calls: missing.calls.map((c) => `  ${c}`).join('\n') });
}

const MAX_CALLS = 24;
const MAX_OUTPUT_LINES = 20;
const MAX_OUTPUT_CHARS = 1500;

export function callsText(result: RunResult): string {
  if (!result.calls.length) return '(none)';
  const line = (c: RunResult['calls'][number]) => {
    const args = c.args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ');
    // The failing call usually carries the error already shown above; say so instead of repeating it.
    const why = c.ok ? '' : c.error === result.error?.message ? ' - the error above' : ` - ${c.error}`;
    // Facts are not failures, but the model must know them: "pushed the purple bowl 1.3 cm".
    const facts = callFacts(c).map((f) => ` (${f})`).join('');
    return `${c.ok ? 'ok  ' : 'FAIL'} ${c.line !== undefined ? `line ${c.line}: ` : ''}${c.primitive}(${previewText(args, 300)})${facts}${why}`;
  };
  const calls = result.calls;
  // A long run is summarised by its start and its end, where the failure is.
  if (calls.length <= MAX_CALLS) return calls.map(line).join('\n');
  const head = calls.slice(0, 8).map(line);
  const tail = calls.slice(-(MAX_CALLS - 8)).map(line);
  return [...head, `... ${calls.length - MAX_CALLS} more calls ...`, ...tail].join('\n');
}

export function outputText(result: RunResult): string {
  if (!result.output.length) return '(none)';
  let lines = result.output.slice(-MAX_OUTPUT_LINES);
  let text = lines.join('\n');
  if (text.length > MAX_OUTPUT_CHARS) text = '...' + text.slice(-MAX_OUTPUT_CHARS);
  if (result.output.length > lines.length) text = `(last ${lines.length} of ${result.output.length} lines)\n${text}`;
  return text;
}

export function errorText(result: RunResult, program?: string): string {
  const e = result.error;
  if (!e) return 'none';
  const line = e.line !== undefined ? `line ${e.line}${program ? quote(program, e.line) : ''}` : '';
  const where = [line, e.primitive ? `in ${e.primitive}` : ''].filter(Boolean).join(', ');
  return `${e.kind}${where ? ` (${where})` : ''}: ${e.message}`;
}

/** What a run did and where the world is now: the part the run and verdict feedback share. */
function runReport(result: RunResult, before: StateSnapshot) {
  return {
    calls: callsText(result),
    output: outputText(result),
    observation: observationText(result.state),
    moved: movedText(before, result.state),
  };
}

export function runFeedback(result: RunResult, before: StateSnapshot, program: string): string {
  return render('feedback-run', { error: errorText(result, program), ...runReport(result, before) });
}

export function verdictFeedback(critique: string, result: RunResult, before: StateSnapshot): string {
  return render('feedback-verdict', { critique, ...runReport(result, before) });
}

/**
 * The verifier's request: the instruction, the program and its calls (with what they pushed), the world
 * before and after, and Wand's own relation facts for what the instruction names, so the verdict rests on
 * measurements with the stated tolerances instead of the model's reading of coordinates.
 */
export function verifyMessages(w: PromptWorld, instruction: string, before: StateSnapshot, result: RunResult, program: string): ChatMessage[] {
  const facts = verificationFacts(instruction, before, result.state, w.world, w.profile);
  return [
    { role: 'system', content: render('verify-system', { world: worldText(w) }) },
    {
      role: 'user',
      content: render('verify', {
        instruction,
        program: program.trimEnd(),
        calls: callsText(result),
        output: outputText(result),
        before: observationText(before),
        after: observationText(result.state),
        moved: movedText(before, result.state),
        facts: facts.map((f) => `- ${f}`).join('\n'),
      }),
    },
  ];
}
