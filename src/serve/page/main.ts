import 'highlight.js/styles/github-dark.css';
import './style.css';
import type { ServerMessage, StateFrame } from '../protocol.ts';
import { Connection } from './connection.ts';
import { ApprovalPanel } from './approval.ts';
import { Controls } from './controls.ts';
import { el } from './dom.ts';
import { Editor } from './editor.ts';
import { Rounds } from './rounds.ts';
import { StatusLine } from './status.ts';
import { View } from './view.ts';

// The session page: live view, status line, instruction box, rounds log, program editor, approval panel
// (wand serve --approve) and e-stop, all driven by one websocket. `window.wand` exposes a few read-only
// facts for tests and the bench.

interface PageProbe {
  firstRender: number | null;
  frames: number;
  state: StateFrame | null;
  objects: string[];
  busy: boolean;
  /** Receive time minus the server's sample time, ms, for the last frames. */
  latencies: number[];
  frameTimes: number[];
  jobs: { job: number; ok: boolean; error: string | null }[];
  errors: string[];
  renderMs: number[];
  /** performance.now() marks on the way to the first render. */
  marks: Record<string, number>;
}

const probe: PageProbe = { firstRender: null, frames: 0, state: null, objects: [], busy: false, latencies: [], frameTimes: [], jobs: [], errors: [], renderMs: [], marks: { script: performance.now() } };
(window as unknown as { wand: PageProbe }).wand = probe;

const status = new StatusLine();
const rounds = new Rounds();
// Connect first: the server opens this tab's world while the page builds its WebGL view.
const conn: Connection = new Connection((msg) => onMessage(msg), (state, detail) => {
  if (state === 'connected') probe.marks.connected ??= performance.now();
  status.connection(state, detail, conn?.rttMs);
  if (state === 'disconnected') {
    // (not on 'connecting': that fires before the panels exist)
    setBusy(false);
    approval.hide(); // the server's session, and its question, went with the connection
  }
});
conn.connect();
const send: Connection['send'] = (msg) => {
  if (!conn.send(msg)) rounds.note('not connected: the message was not sent', 'error');
  return true;
};
const controls = new Controls((msg) => send(msg));
const approval = new ApprovalPanel((msg) => send(msg));
const editor = new Editor((source) => send({ type: 'run', source }));
rounds.onEdit = (source) => editor.set(source);

const instruction = el('textarea', { class: 'instruction-input', attrs: { rows: '2', placeholder: 'Tell the robot what to do, e.g. "put the blocks in the bowls with matching colours"', 'aria-label': 'instruction' } });
const askButton = el('button', { class: 'ask', text: 'Ask', attrs: { type: 'submit' } });
const form = el('form', { class: 'instruction' }, instruction, askButton);
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = instruction.value.trim();
  if (text) send({ type: 'ask', instruction: text });
});
instruction.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    form.requestSubmit();
  }
});

const viewPane = el('section', { class: 'view-pane' });
const view = new View(viewPane);
probe.renderMs = view.renderMs;
probe.marks.view = performance.now();
const rehearsalBadge = el('div', { class: 'rehearsal-badge', text: 'rehearsal in the simulator: the robot moves only if it succeeds' });
rehearsalBadge.hidden = true;
viewPane.append(controls.toolbar, rehearsalBadge);
view.onRender = () => {
  if (probe.firstRender === null && view.firstWorldRender !== null) probe.firstRender = view.firstWorldRender;
};

document.body.append(
  el('div', { class: 'app' }, el('header', { class: 'top' }, el('h1', { text: 'Wand' }), status.root), el('main', {}, viewPane, el('aside', {}, form, rounds.root, editor.root))),
  approval.root,
  controls.estop,
);

let modelReady = false;
let shownWorld = 'tabletop';
function setBusy(busy: boolean): void {
  probe.busy = busy;
  editor.runButton.disabled = busy;
  askButton.disabled = busy || !modelReady;
  document.body.classList.toggle('busy', busy);
}

function onMessage(msg: ServerMessage): void {
  switch (msg.type) {
    case 'state':
      probe.frames++;
      probe.state = msg;
      probe.latencies.push(Date.now() - msg.t);
      probe.frameTimes.push(performance.now());
      if (probe.latencies.length > 600) (probe.latencies.splice(0, 300), probe.frameTimes.splice(0, 300));
      view.update(msg);
      status.odometry(msg.odom);
      rehearsalBadge.hidden = !msg.rehearsal;
      return;
    case 'hello':
    case 'status':
      status.set(msg.status);
      modelReady = msg.status.model.configured;
      askButton.disabled = probe.busy || !modelReady;
      askButton.title = modelReady ? '' : msg.status.model.text;
      controls.robotMode(msg.status.kind === 'ros');
      editor.worldChanged(shownWorld, msg.status.world);
      shownWorld = msg.status.world;
      controls.world.value = msg.status.world;
      controls.showSpeed(msg.status.speed);
      return;
    case 'scene':
      probe.marks.scene ??= performance.now();
      probe.objects = msg.objects.map((o) => o.name);
      view.setScene(msg.world.name, msg.objects, msg.room, msg.arm);
      return;
    case 'busy':
      return setBusy(msg.job !== null);
    case 'pong':
      status.connection('connected', undefined, conn.rttMs);
      return;
    case 'error':
      probe.errors.push(msg.message);
      rounds.note(msg.message, 'error');
      return;
    case 'jobEnd':
      probe.jobs.push({ job: msg.job, ok: msg.ok, error: msg.error?.kind ?? null });
      approval.hide(msg.job);
      rounds.handle(msg);
      return;
    case 'approval':
      approval.show(msg);
      rounds.handle(msg);
      return;
    default:
      rounds.handle(msg);
  }
}
