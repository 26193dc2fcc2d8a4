import type { Writable } from 'node:stream';
import type { BackendOptions } from '../backends/options.ts';
import type { LineReader } from '../core/line-reader.ts';
import type { Approve } from '../run/execute.ts';
import { numberedLines, rehearsalText } from '../run/report.ts';
import { UsageError } from './usage.ts';

export const APPROVE_FLAG = { approve: { type: 'boolean' } } as const;
export const APPROVE_USAGE = `  --approve                 with --backend ros: show each program and its rehearsal, and move the robot
                            only after "y" on standard input (anything else, or no answer, leaves it still)`;

/**
 * The approval gate at a terminal: the person sees exactly what will run and how the rehearsal went,
 * and the robot moves only on an explicit yes.
 */
export function terminalApprover(lines: LineReader, out: Writable): Approve {
  return async ({ source, target, rehearsal, unrehearsed }, signal) => {
    // Asked only after a rehearsal passed, or with none.
    const rehearsed = rehearsal ? rehearsalText(rehearsal) : 'No rehearsal (--no-rehearse).';
    const unseen = unrehearsed?.length ? `\nNOT REHEARSED: it calls ${unrehearsed.join(', ')}, which move${unrehearsed.length === 1 ? 's' : ''} the robot in ways the simulator cannot show.` : '';
    out.write(`\nProgram for the ${target}:\n${numberedLines(source)}\n${rehearsed}${unseen}\nRun it on the robot? [y/N] `);
    const answer = (await lines.next(signal))?.trim().toLowerCase();
    const yes = answer === 'y' || answer === 'yes';
    out.write(yes ? '\n' : `\n${answer === undefined ? 'No answer' : 'Not approved'}: the robot stays still.\n`);
    return yes;
  };
}

/** The approver `--approve` asks for, or undefined without it; only a robot needs one. */
export function approverFor(enabled: boolean, options: BackendOptions, lines: LineReader): Approve | undefined {
  if (!enabled) return undefined;
  if (options.backend !== 'ros') throw new UsageError('--approve is for --backend ros: it asks you before the robot moves');
  return terminalApprover(lines, process.stderr);
}
