import { interfaceHostOf } from '../../primitives/interface.ts';
import type { OpenBackend } from '../backends/open.ts';
import { toErrorInfo, type ErrorInfo } from '../core/errors.ts';
import { eventErrorKind, type EnvelopeEvent } from '../safety/envelope.ts';
import { programGuardOf, rehearsableOf } from '../safety/guard.ts';
import type { SandboxLimits } from '../sandbox/index.ts';
import type { CallRecord, RunEvent, RunResult } from './result.ts';
import { runProgram } from './run-program.ts';
import { unrehearsedMotion, unrehearsedRefusal, type UnrehearsedMotion } from './unrehearsed.ts';

export interface ExecuteOptions {
  source: string;
  target: OpenBackend;
  limits?: Partial<SandboxLimits>;
  prelude?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /**
   * The rehearsal's own events, for a view that shows them as such (the session page). Without it the
   * rehearsal stays silent, so `onEvent` only ever reports what the robot itself did.
   */
  onRehearsalEvent?: (event: RunEvent) => void;
  /** Run the program in the simulator first when the target is a robot (default true; --no-rehearse). */
  rehearse?: boolean;
  /** The person's approval gate: asked after the rehearsal, before a robot moves; false leaves it still. */
  approve?: Approve;
}

/** How the program did in the simulator before it was allowed on the robot. */
export interface RehearsalSummary {
  ok: boolean;
  error: ErrorInfo | null;
  simTimeS: number;
  calls: number;
  output: string[];
  /** What the safety envelope refused or stopped during the rehearsal (also what the program caught). */
  envelope: EnvelopeEvent[];
  /** Declared robot interfaces the simulator has no model of: stand-ins answered their calls. */
  notSimulated?: string[];
}

export interface ApprovalRequest {
  source: string;
  /** The robot, as the status line names it. */
  target: string;
  rehearsal?: RehearsalSummary;
  /** Declared interfaces the program may call that move the robot and could not be rehearsed. */
  unrehearsed?: string[];
}

export type Approve = (request: ApprovalRequest, signal?: AbortSignal) => Promise<boolean>;

export const NOT_APPROVED = 'the program was not approved, so the robot was not moved';

/** A robot run's result carries its rehearsal; simulator results are plain RunResults. */
export type ExecuteResult = RunResult & { rehearsal?: RehearsalSummary; unrehearsed?: UnrehearsedMotion };

/**
 * Runs a program on its target. This is where a robot run is preceded by its simulator rehearsal,
 * so `wand run`, `wand ask` and the session server all get the same safety behaviour.
 */
export async function executeProgram(opts: ExecuteOptions): Promise<ExecuteResult> {
  const started = performance.now();
  const { backend, primitives } = opts.target;
  const program = { source: opts.source, primitives, limits: opts.limits, prelude: opts.prelude };

  let rehearsal: RehearsalSummary | undefined;
  let rehearsed: string[] = [];
  const robot = opts.rehearse === false ? null : rehearsableOf(backend);
  if (robot) {
    // Same program, same envelope, a simulated copy of the robot at its current pose. If it fails
    // there, or would have crossed the envelope (even where the program caught the error), the robot never moves.
    let twin;
    try {
      twin = await robot.createRehearsal();
    } catch (err) {
      // No twin (the robot's state is not known: stale detections, no joint states): no rehearsal, no run.
      const cause = toErrorInfo(err, 'connection');
      return notRun(opts.target, { ...cause, message: `the rehearsal could not start, so the robot was not moved: ${cause.message}` }, started);
    }
    let r: RunResult;
    try {
      r = await runProgram({ ...program, backend: twin.backend, signal: opts.signal, onEvent: opts.onRehearsalEvent });
    } finally {
      await twin.backend.dispose();
    }
    const events = twin.envelope.events;
    rehearsal = { ok: r.ok && events.length === 0, error: r.error, simTimeS: r.simTimeS, calls: r.calls.length, output: r.output, envelope: events };
    rehearsed = r.calls.map((c) => c.primitive);
    const stubbed = [...new Set(r.calls.filter((c) => c.notSimulated).map((c) => c.primitive))];
    if (stubbed.length) rehearsal.notSimulated = stubbed;
    if (!rehearsal.ok) {
      const cause: ErrorInfo = r.error ?? caughtEnvelopeError(events[0]!, r.calls);
      const message =
        cause.kind === 'aborted'
          ? `${cause.message} during the rehearsal in the simulator; the robot was not moved`
          : `the rehearsal in the simulator failed, so the robot was not moved: ${cause.message}`;
      const error: ErrorInfo = { ...cause, message };
      return notRun(opts.target, error, started, rehearsal);
    }
  }

  // A robot is armed per program; its faults (lost link, stale odometry) abort the whole program.
  const guard = programGuardOf(backend);
  // Motion through a declared interface could not be rehearsed: it needs the person's yes, or the config's.
  const motion = guard ? unrehearsedMotion(opts.target.interfaces, opts, rehearsed) : null;
  const needsYes = !!motion?.used.length && motion.allowedBy !== 'config' ? motion.used : undefined;
  if (needsYes && !opts.approve) return notRun(opts.target, unrehearsedRefusal(needsYes), started, rehearsal);
  const request: ApprovalRequest = { source: opts.source, target: opts.target.label, rehearsal, ...(needsYes && { unrehearsed: needsYes }) };
  if (guard && opts.approve && !(await opts.approve(request, opts.signal))) {
    return notRun(opts.target, { kind: 'aborted', message: NOT_APPROVED }, started, rehearsal);
  }
  if (needsYes) motion!.allowedBy = 'approval';
  const reported = motion && (motion.used.length || motion.allowedBy) ? { unrehearsed: motion } : {};
  let faults: AbortSignal | undefined;
  if (guard) {
    try {
      faults = await guard.beginProgram();
    } catch (err) {
      return notRun(opts.target, toErrorInfo(err, 'connection'), started, rehearsal);
    }
  }
  // An abort (Ctrl-C, e-stop) stops the robot from here, at once, whatever the program is doing
  // (mid-call, or computing between calls); the sandbox abort that follows ends the program.
  const interfaces = interfaceHostOf(backend);
  const haltNow = () => void Promise.all([backend.halt(), interfaces?.halt()]);
  opts.signal?.addEventListener('abort', haltNow, { once: true });
  try {
    const signal = faults && opts.signal ? AbortSignal.any([opts.signal, faults]) : (faults ?? opts.signal);
    const result = await runProgram({ ...program, backend, signal, onEvent: opts.onEvent, permits: { unrehearsedMotion: !!motion?.allowedBy } });
    return { ...result, ...(rehearsal && { rehearsal }), ...reported };
  } finally {
    opts.signal?.removeEventListener('abort', haltNow);
    // What a program set moving through a declared interface (a velocity topic) is brought to rest.
    await interfaces?.halt();
    guard?.endProgram();
  }
}

/** An envelope error the program caught: the call that threw it gives the line and the primitive. */
function caughtEnvelopeError(e: EnvelopeEvent, calls: CallRecord[]): ErrorInfo {
  const info: ErrorInfo = { kind: eventErrorKind(e.kind), message: e.message };
  const call = calls.find((c) => !c.ok && c.error === e.message);
  if (call?.line !== undefined) info.line = call.line;
  if (call) info.primitive = call.primitive;
  return info;
}

/** The result of a program that never started on the robot. */
function notRun(target: OpenBackend, error: ErrorInfo, started: number, rehearsal?: RehearsalSummary): ExecuteResult {
  const result = notStarted(error, { state: target.backend.state(), world: target.backend.world() }, started);
  if (rehearsal) result.rehearsal = rehearsal;
  return result;
}

/** A robot that could not be reached: nothing is known of it, and nothing ran. */
export const UNREACHED: Pick<RunResult, 'state' | 'world'> = {
  state: { robot: {}, holding: null, objects: [] },
  world: { name: 'ros', bounds: { x: [0, 0], y: [0, 0], z: [0, 0] }, namedPositions: {} },
};

/** The result of a program that never started, in the same shape as any other run. */
export function notStarted(error: ErrorInfo, where: Pick<RunResult, 'state' | 'world'>, started: number): ExecuteResult {
  return { ok: false, error, output: [], calls: [], ...where, simTimeS: 0, wallTimeMs: Math.round(performance.now() - started) };
}
