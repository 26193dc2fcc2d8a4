import type { AskEvent, AskOutcome } from './loop.ts';
import { candidatesText } from '../select/round.ts';
import { callLine, numberedLines } from '../run/report.ts';

// Human-readable progress for `wand ask`: each round's program, checks, calls and verdict as they happen.

export function progressLine(e: AskEvent): string | undefined {
  switch (e.type) {
    case 'start':
      return `Instruction: ${e.instruction}`;
    case 'round':
      return `\nRound ${e.round}`;
    case 'helper':
      return e.code ? `  helper ${e.name} written on request` : `  helper ${e.name}: the reply did not define it`;
    case 'tool':
      return `  tool defined: ${e.signature}${e.description ? ` — ${e.description}` : ''}`;
    case 'program':
      return e.program === null ? `  no program: ${e.problem}` : `  program:\n${numberedLines(e.program.trimEnd())}`;
    case 'check':
      if (e.check.ok) return '  checks: ok';
      return `  checks failed, nothing moved:\n${e.check.diagnostics.map((d) => `    ${d.line ? `line ${d.line}: ` : ''}${d.message}`).join('\n')}`;
    case 'run':
      // Notes were shown as they were said (before the arm moved); the call's line adds what it pushed.
      if (e.event.type === 'callEnd') return callLine({ ...e.event.record, notes: undefined }, false);
      if (e.event.type === 'say') return `  says: ${e.event.text}`;
      if (e.event.type === 'output') return `  output: ${e.event.text}`;
      if (e.event.type === 'progress') return `    ${e.event.primitive}: ${e.event.text}`;
      if (e.event.type === 'note') return `  note: ${e.event.text}`;
      return undefined;
    case 'result':
      if (e.result.ok) return `  ran without error (${e.result.simTimeS.toFixed(1)} s simulated)`;
      return `  failed: ${e.result.error!.kind}${e.result.error!.line !== undefined ? ` at line ${e.result.error!.line}` : ''}: ${e.result.error!.message}`;
    case 'fixup':
      return `  sent back for correction at once (${e.fixup} of ${e.max}; nothing moved, so it does not use up a round)`;
    case 'candidates':
      return candidatesText(e.candidates);
    case 'verdict':
      return `  verdict: ${e.verdict.done ? 'done' : 'not done'}${e.verdict.critique ? ` — ${e.verdict.critique}` : ''}${e.verdict.facts ? `\n    facts used: ${e.verdict.facts}` : ''}`;
    default:
      return undefined;
  }
}

export function outcomeText(o: AskOutcome, transcript: string): string {
  const n = o.rounds.length;
  const cached = o.usage.cachedPromptTokens ? ` (${o.usage.cachedPromptTokens} cached)` : '';
  const usage = `${o.usage.promptTokens} prompt${cached} + ${o.usage.completionTokens} completion tokens in ${o.usage.requests} request${o.usage.requests === 1 ? '' : 's'}`;
  const head =
    o.stopped === 'done'
      ? `Done in ${n} round${n === 1 ? '' : 's'}.`
      : o.stopped === 'budget'
        ? `Not done after ${n} round${n === 1 ? '' : 's'}. What was tried:\n${o.summary.map((s) => `  ${s}`).join('\n')}`
        : o.stopped === 'aborted'
          ? `Stopped: ${o.error?.message ?? 'by the person'}.`
          : `Failed: ${o.error?.message}`;
  return `${head}\nUsage: ${usage}. Transcript: ${transcript}`;
}
