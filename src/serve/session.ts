import type { RawData, WebSocket } from 'ws';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { WandError, toErrorInfo, type ErrorInfo } from '../core/errors.ts';
import { executeProgram, type Approve } from '../run/execute.ts';
import type { RunEvent } from '../run/result.ts';
import type { Backend } from '../../primitives/backend.ts';
import type { RoomSpec } from '../../sim/mobile/room.ts';
import { watchRehearsals } from './rehearsal-view.ts';
import type { SharedRobot } from './shared-robot.ts';
import type { AskConversation, JobMessage } from './ask-bridge.ts';
import { Approvals } from './approvals.ts';
import { WallClockPacer, paceableOf } from './pacing.ts';
import { parseClientMessage } from './parse-message.ts';
import type { ClientMessage, JobKind, ModelStatus, ServerMessage, SessionStatus, WorldName } from './protocol.ts';
import { MAX_INSTRUCTION_CHARS, MAX_SOURCE_CHARS, runSummary } from './protocol.ts';
import { encodeFrame, frameContent, sampleView, sceneArm, sceneKey, sceneObjects } from './state-frame.ts';
import { StateStream } from './state-stream.ts';

// One session per browser tab: its own world, its own running job, its own state stream. Nothing here
// is shared between tabs, so a misbehaving tab cannot disturb another; when the tab goes away its program
// is stopped and its world disposed.

export interface SessionConfig {
  backend: BackendOptions;
  /** Initial simulation speed (1 = real time, null = as fast as possible). */
  speed: number | null;
  model: ModelStatus;
  open(opts: BackendOptions): Promise<OpenBackend>;
  /** With a real robot: the one connection all tabs share, and who may drive it. */
  robot?: SharedRobot;
  /** wand serve --approve: every robot program waits for the person's yes on the page before it moves. */
  approve?: boolean;
  /**
   * Starts the ask conversation of a tab's world (the model comes from the environment). `target` is the
   * world as programs see it; `opened` the world as opened, with its options (the skills' gate rehearses there).
   */
  converse(target: OpenBackend, opened: { target: OpenBackend; options: BackendOptions }): Promise<AskConversation>;
}

interface Job {
  id: number;
  kind: JobKind;
  controller: AbortController;
  done: Promise<void>;
}

const ESTOP = 'stopped by the e-stop';
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** A program stuck in a loop of instant queries must not flood the page; the run result still has them all. */
const MAX_EVENTS_PER_JOB = 2_000;

export class Session {
  private target: OpenBackend | null = null;
  private options: BackendOptions;
  private job: Job | null = null;
  private jobSeq = 0;
  /** Scene changes run one after another. */
  private sceneOps: Promise<void> = Promise.resolve();
  private pendingScene: BackendOptions | null = null;
  private currentScene = '';
  private conversation: AskConversation | null = null;
  /** The simulated twin of a robot while a program is rehearsed on it. */
  private twin: Backend | null = null;
  /** The target as programs see it: a robot's rehearsals are reported to the view. */
  private runTarget: OpenBackend | null = null;
  private speed: number | null;
  private readonly stream: StateStream;
  private readonly pacer: WallClockPacer;
  /** This tab's open approval question, if any: only this tab's page can answer it. */
  private readonly approvals = new Approvals((msg) => this.send(msg));
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly config: SessionConfig,
  ) {
    this.options = { ...config.backend };
    this.pacer = new WallClockPacer(config.speed ?? 1);
    this.speed = config.speed;
    this.stream = new StateStream(
      {
        sample: (seq) => this.sample(seq),
        send: (frame) => this.send(frame),
        backlog: () => this.ws.bufferedAmount,
      },
      frameContent,
    );
  }

  async start(): Promise<void> {
    this.send({ type: 'hello', status: this.status(), limits: { source: MAX_SOURCE_CHARS, instruction: MAX_INSTRUCTION_CHARS } });
    // In the scene queue like any later change, so an early "reset" cannot race the first world.
    this.sceneOps = this.changeScene(this.options);
    await this.sceneOps;
    this.stream.start();
  }

  /** Every message from the page; nothing a page sends can throw out of here. */
  handle(raw: RawData, isBinary: boolean): void {
    const parsed = parseClientMessage(raw, isBinary);
    if (!parsed.ok) return this.send({ type: 'error', message: parsed.message, kind: 'usage' });
    try {
      this.dispatch(parsed.message);
    } catch (err) {
      this.send({ type: 'error', ...toErrorInfo(err) });
    }
  }

  private dispatch(msg: ClientMessage): void {
    switch (msg.type) {
      case 'ping':
        return this.send({ type: 'pong', t: msg.t });
      case 'stop':
        return void this.stop(ESTOP);
      case 'run':
        return this.startJob('run', msg.source);
      case 'ask':
        return this.startJob('ask', msg.instruction);
      case 'approve':
        return this.approvals.answer(msg.job, msg.yes);
      case 'reset':
        return this.requestScene((o) => ({ ...o }));
      case 'newScene':
        return this.requestScene((o) => ({ ...o, scenePath: undefined, seed: msg.seed ?? Math.floor(Math.random() * 1_000_000) }));
      case 'world':
        return this.requestScene((o) => ({ ...o, world: msg.world as WorldName, scenePath: undefined }));
      case 'speed':
        this.speed = msg.speed;
        if (msg.speed !== null) this.pacer.speed = msg.speed;
        if (this.target) this.applySpeed(this.twin ?? this.target.backend);
        return this.send({ type: 'status', status: this.status() });
    }
  }

  private status(): SessionStatus {
    return {
      model: this.config.model,
      backend: this.target?.label ?? (this.options.backend === 'ros' ? `ROS robot at ${this.options.url}` : 'simulator (starting)'),
      kind: this.options.backend,
      world: this.options.world,
      speed: this.speed,
      approval: this.config.approve === true,
    };
  }

  /** Simulators (a robot's rehearsal twin too) are paced for watching; a real robot keeps its own time. */
  private applySpeed(backend: Backend): void {
    const paceable = paceableOf(backend);
    if (paceable) paceable.pace = this.speed === null ? null : this.pacer.pace;
  }

  private send(msg: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private sample(seq: number) {
    const target = this.target;
    if (!target) return null;
    // During a robot program's rehearsal the view shows the simulated twin; the robot's odometry goes along.
    const shown = this.twin ?? target.backend;
    const view = sampleView(shown);
    const key = `${this.twin ? 'rehearsal' : 'live'}\n${sceneKey(view)}`;
    if (key !== this.currentScene) {
      // Objects appeared or went: the page rebuilds its meshes from this before it reads the frame.
      this.currentScene = key;
      const room = (shown as { room?: RoomSpec }).room;
      const label = this.twin ? `rehearsal of ${target.label} in the simulator` : target.label;
      const arm = sceneArm(shown);
      this.send({ type: 'scene', world: shown.world(), label, objects: sceneObjects(shown), ...(room ? { room } : {}), ...(arm ? { arm } : {}) });
    }
    const frame = encodeFrame(view, seq, shown.simTimeS());
    if (this.options.backend === 'ros') {
      // Live, the view already sampled the robot's state; during a rehearsal the robot is asked separately.
      const robot = this.twin ? target.backend.state().robot : view.robot;
      const pose = (robot as { pose?: { x: number; y: number; yaw: number } }).pose;
      if (pose) frame.odom = { x: round3(pose.x), y: round3(pose.y), yaw: Math.round(pose.yaw * 10) / 10 };
    }
    if (this.twin) frame.rehearsal = true;
    return frame;
  }

  /** Called when executeProgram starts (twin) and ends (null) a robot program's rehearsal. */
  private showRehearsal(twin: Backend | null): void {
    this.twin = twin;
    if (twin) this.applySpeed(twin);
    this.stream.invalidate();
  }

  // --- jobs -------------------------------------------------------------------------------------------

  private startJob(kind: JobKind, text: string): void {
    if (this.job) throw new WandError('usage', 'a program is already running: wait for it or press stop');
    const target = this.runTarget;
    if (!target) throw new WandError('usage', 'the world is not ready yet');
    if (kind === 'ask' && !this.config.model.configured) throw new WandError('usage', this.config.model.text);
    const id = ++this.jobSeq;
    const controller = new AbortController();
    this.approvals.cancel(); // a question left from an earlier job is never answered yes for this one

    if (this.config.robot && !this.config.robot.claim(this, (reason) => controller.abort(new WandError('aborted', reason)))) {
      throw new WandError('usage', 'the robot is running a program started in another tab; wait for it or press stop');
    }
    this.send(kind === 'run' ? { type: 'job', job: id, kind, source: text } : { type: 'job', job: id, kind, instruction: text });
    this.send({ type: 'busy', job: id, kind });
    let events = 0;
    const emit = (msg: JobMessage) => {
      if (msg.type === 'run' && ++events > MAX_EVENTS_PER_JOB) {
        if (events === MAX_EVENTS_PER_JOB + 1) this.send({ type: 'note', job: id, round: msg.round, text: '… further calls are not shown live' });
        return;
      }
      this.send({ ...msg, job: id } as ServerMessage);
    };
    const approve = this.config.approve ? this.approvals.forJob(id, controller.signal) : undefined;
    const body = kind === 'run' ? this.runProgram(target, text, controller.signal, emit, approve) : this.runAsk(target, text, controller.signal, emit, approve);
    const done = body
      .catch((err): { ok: boolean; error: ErrorInfo | null; message?: string } => ({ ok: false, error: toErrorInfo(err) }))
      .then((end) => {
        this.job = null;
        this.config.robot?.release(this);
        this.send({ type: 'jobEnd', job: id, ...end });
        this.send({ type: 'busy', job: null });
      });
    this.job = { id, kind, controller, done };
  }

  private async runProgram(target: OpenBackend, source: string, signal: AbortSignal, emit: (msg: JobMessage) => void, approve?: Approve) {
    const result = await executeProgram({
      source,
      target,
      signal,
      onEvent: (event: RunEvent) => emit({ type: 'run', event }),
      onRehearsalEvent: (event: RunEvent) => emit({ type: 'run', event, rehearsal: true }),
      rehearse: this.options.rehearse,
      approve,
    });
    emit({ type: 'result', result: runSummary(result) });
    return { ok: result.ok, error: result.error };
  }

  private async runAsk(target: OpenBackend, instruction: string, signal: AbortSignal, emit: (msg: JobMessage) => void, approve?: Approve) {
    const opened = this.target;
    if (!opened) throw new WandError('usage', 'the world is not ready yet');
    this.conversation ??= await this.config.converse(target, { target: opened, options: this.options });
    return this.conversation.ask(instruction, signal, emit, approve);
  }

  /** E-stop: abort the job (which stops its motion) and bring the robot to rest, even with no job running. */
  private async stop(reason: string): Promise<void> {
    const job = this.job;
    job?.controller.abort(new WandError('aborted', reason));
    this.approvals.cancel();
    // On a robot shared by several tabs, this tab's e-stop also stops a program another tab started.
    if (reason === ESTOP) this.config.robot?.estop(reason);
    await this.target?.backend.halt();
    await job?.done;
  }

  // --- scenes -----------------------------------------------------------------------------------------

  /**
   * Scene changes run one at a time; requests arriving meanwhile collapse into the last one, so a page
   * (or a script) sending a burst of them costs one new world, not one per message.
   */
  private requestScene(change: (from: BackendOptions) => BackendOptions): void {
    if (this.options.backend === 'ros') throw new WandError('usage', 'the scene of a real robot cannot be reset from here');
    const queued = this.pendingScene !== null;
    this.pendingScene = change(this.pendingScene ?? this.options);
    if (queued) return;
    // A failure here must reach the tab as an error, never as an unhandled rejection that ends the server.
    this.sceneOps = this.sceneOps
      .then(() => {
        const next = this.pendingScene!;
        this.pendingScene = null;
        return this.changeScene(next);
      })
      .catch((err) => this.send({ type: 'error', ...toErrorInfo(err, 'runtime') }));
  }

  /** Stops what runs, then replaces the world; if the new one cannot be opened the old options stay. */
  private async changeScene(next: BackendOptions): Promise<void> {
    await this.stop('stopped: the scene was reset');
    if (this.closed) return;
    let opened: OpenBackend;
    try {
      opened = await this.config.open(next);
    } catch (err) {
      this.send({ type: 'error', ...toErrorInfo(err, 'usage') });
      return;
    }
    if (this.closed) return void (await opened.backend.dispose());
    const old = this.target;
    this.target = null;
    this.runTarget = null;
    this.conversation = null; // a new world is a new conversation: old observations no longer hold
    await old?.backend.dispose();
    this.options = next;
    this.applySpeed(opened.backend);
    this.target = opened;
    this.runTarget = watchRehearsals(opened, (twin) => this.showRehearsal(twin));
    this.currentScene = '';
    this.stream.invalidate();
    this.send({ type: 'status', status: this.status() });
  }

  /** The tab went away: stop its program and free its world. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.stop();
    await this.stop('stopped: the page was closed');
    await this.sceneOps.catch(() => {});
    const target = this.target;
    this.target = null;
    this.runTarget = null;
    await target?.backend.dispose();
  }
}
