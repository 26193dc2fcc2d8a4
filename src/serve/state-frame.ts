import type { Backend } from '../../primitives/backend.ts';
import type { SceneArmInfo, SceneObjectInfo, StateFrame } from './protocol.ts';

// A state frame must be small (30 a second per tab) and cheap to build (it is built on the simulator's
// thread). Positions are rounded to 0.1 mm and quaternions to 1e-4, which the eye cannot tell apart.

const r4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0; // + 0: no "-0" in the JSON

type Vec = { x: number; y: number; z: number };
type Quat = Vec & { w: number };

/** What the view needs of a world at one instant. */
export interface ViewSample {
  robot: Record<string, unknown>;
  holding: string | null;
  objects: { name: string; position: Vec; quaternion?: Quat }[];
}

/** Simulators that can render offer `poses()` (with orientations); any backend offers `state()`. */
interface Posable {
  poses(): { robot: Record<string, unknown>; objects: { name: string; position: Vec; quaternion: Quat }[] };
}

export function sampleView(backend: Backend): ViewSample {
  const posable = backend as unknown as Partial<Posable>;
  if (typeof posable.poses === 'function' && backend.profile === 'tabletop') {
    const p = posable.poses();
    return { robot: p.robot, holding: backend.holding(), objects: p.objects };
  }
  const s = backend.state();
  return { robot: s.robot, holding: s.holding, objects: s.objects };
}

export function sceneObjects(backend: Backend): SceneObjectInfo[] {
  return backend.state().objects.map((o) => ({ name: o.name, kind: o.kind, color: o.color, size: o.size }));
}

/** The arm's URDF, for a backend that drives one through a kinematic model (the simulator, a ROS arm). */
export function sceneArm(backend: Backend): SceneArmInfo | undefined {
  const arm = (backend as { arm?: { urdf?: unknown; baseFrame?: unknown } }).arm;
  return typeof arm?.urdf === 'string' && typeof arm.baseFrame === 'string' ? { urdf: arm.urdf, baseFrame: arm.baseFrame } : undefined;
}

/** Identifies the object list; a change means the page must rebuild its meshes before the next frame. */
export function sceneKey(sample: ViewSample): string {
  return sample.objects.map((o) => o.name).join('\n');
}

function roundDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? r4(value) : null;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = roundDeep(v, depth + 1);
  return out;
}

export function encodeFrame(sample: ViewSample, seq: number, simTimeS: number): StateFrame {
  return {
    type: 'state',
    seq,
    t: Date.now(),
    sim: Math.round(simTimeS * 1000) / 1000,
    robot: roundDeep(sample.robot) as Record<string, unknown>,
    holding: sample.holding,
    o: sample.objects.map(({ position: p, quaternion: q }) =>
      q ? [r4(p.x), r4(p.y), r4(p.z), r4(q.x), r4(q.y), r4(q.z), r4(q.w)] : [r4(p.x), r4(p.y), r4(p.z)],
    ),
  };
}

/** The parts of a frame that change when something moves (not seq, clocks): equal means nothing to send. */
export function frameContent(frame: StateFrame): string {
  return JSON.stringify([frame.robot, frame.holding, frame.o, frame.odom]);
}
