import type { RehearsalSummary } from './execute.ts';
import { callFacts } from './call-facts.ts';
import type { CallRecord, RunResult } from './result.ts';

const n = (v: number) => v.toFixed(3);

/** A program with line numbers, as the terminal shows it (progress, approval). */
export function numberedLines(source: string): string {
  return source
    .split('\n')
    .map((l, i) => `  ${String(i + 1).padStart(3)} | ${l}`)
    .join('\n');
}

/** One call as the terminal shows it: ✓/✗, its line, the call itself, its time if asked, and why it failed. */
export function callLine(c: CallRecord, withTime: boolean): string {
  const args = c.args.map((a) => JSON.stringify(a)).join(', ');
  const where = c.line !== undefined ? `line ${c.line}: ` : '';
  const time = withTime ? `  ${c.ms.toFixed(1)} ms` : '';
  const facts = callFacts(c);
  const said = facts.length ? ` (${facts.join('; ')})` : '';
  return `  ${c.ok ? '✓' : '✗'} ${where}${c.primitive}(${args})${said}${time}${c.ok ? '' : `${withTime ? '  ' : ' '}— ${c.error}`}`;
}

/** The human-readable `wand run` report: calls, messages, outcome, final positions (once the program ran). */
export function formatReport(result: RunResult): string {
  const lines: string[] = [];
  lines.push(`Calls (${result.calls.length}):`);
  for (const c of result.calls) {
    lines.push(callLine(c, true));
    if (c.progress) lines.push(`      last progress: ${c.progress}`);
  }
  if (result.output.length) {
    lines.push('Output:');
    for (const o of result.output) lines.push(`  ${o}`);
  }
  lines.push('');
  if (result.ok) {
    lines.push(`Outcome: completed in ${result.simTimeS.toFixed(2)} s simulated, ${result.wallTimeMs} ms wall.`);
  } else {
    const e = result.error!;
    const where = [e.line !== undefined ? `line ${e.line}` : '', e.primitive ? `in ${e.primitive}` : ''].filter(Boolean).join(', ');
    lines.push(`Outcome: FAILED (${e.kind}${where ? `, ${where}` : ''}): ${e.message}`);
  }
  // A program that does not parse never ran: the world is as it was, so there is nothing to report on it.
  if (result.error?.kind === 'syntax') return lines.join('\n');
  lines.push('');
  const objects = result.state.objects;
  if (objects.length) {
    lines.push('Final positions:');
    const width = Math.max(...objects.map((o) => o.name.length));
    for (const o of objects) {
      lines.push(`  ${o.name.padEnd(width)}  x ${n(o.position.x)}  y ${n(o.position.y)}  z ${n(o.position.z)}`);
    }
  }
  const robot = result.state.robot as Record<string, unknown>;
  if (robot.pose) lines.push(`Robot pose: ${JSON.stringify(robot.pose)}`);
  // Only a robot with a gripper can hold anything.
  if ('gripper' in robot) lines.push(`Holding: ${result.state.holding ?? 'nothing'}`);
  return lines.join('\n');
}

/** How a robot program's rehearsal in the simulator went, in one line (the report, the approval prompt). */
export function rehearsalText(r: RehearsalSummary): string {
  const how = r.ok ? 'passed' : `FAILED${r.error ? ` (${r.error.kind}): ${r.error.message}` : `: ${r.envelope[0]?.message ?? ''}`}`;
  const stubbed = r.notSimulated?.length ? ` Not simulated (stand-ins answered): ${r.notSimulated.join(', ')}.` : '';
  return `Rehearsal in the simulator: ${how} (${r.calls} calls, ${r.simTimeS.toFixed(2)} s simulated).${stubbed}`;
}
