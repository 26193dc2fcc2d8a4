import type { StateSnapshot } from '../../primitives/backend.ts';

// What the model is told about the world: objects with positions rounded to the millimetre (written in
// metres, the API's unit), what the gripper holds, and after a run, what moved.

const MOVED_M = 0.005;

const m = (v: number) => (Math.abs(v) < 0.0005 ? '0.000' : v.toFixed(3));
type XYZ = { x: number; y: number; z?: number };
const point = (p: XYZ) => `(${m(p.x)}, ${m(p.y)}${p.z === undefined ? '' : `, ${m(p.z)}`})`;
const isPoint = (v: unknown): v is XYZ =>
  typeof v === 'object' && v !== null && typeof (v as XYZ).x === 'number' && typeof (v as XYZ).y === 'number';

export function observationText(state: StateSnapshot): string {
  const lines = state.objects.length
    ? ['Objects (centre x, y, z):', ...state.objects.map((o) => `- ${o.name} ${point(o.position)}`)]
    : ['No objects.'];
  // Robot fields that are points or poses (tool position, base pose) are worth a line; the rest is noise.
  for (const [key, value] of Object.entries(state.robot ?? {})) {
    if (isPoint(value)) {
      const yaw = (value as XYZ & { yaw?: unknown }).yaw;
      lines.push(`Robot ${key}: ${point(value)}${typeof yaw === 'number' ? `, yaw ${Math.round(yaw)}°` : ''}`);
    }
  }
  lines.push(`Holding: ${state.holding ?? 'nothing'}`);
  return lines.join('\n');
}

export interface Movement {
  name: string;
  from?: XYZ;
  to?: XYZ;
}

export function movements(before: StateSnapshot, after: StateSnapshot): Movement[] {
  const was = new Map(before.objects.map((o) => [o.name, o.position]));
  const out: Movement[] = [];
  for (const o of after.objects) {
    const from = was.get(o.name);
    was.delete(o.name);
    if (!from) out.push({ name: o.name, to: o.position });
    else if (Math.hypot(o.position.x - from.x, o.position.y - from.y, o.position.z - from.z) >= MOVED_M) {
      out.push({ name: o.name, from, to: o.position });
    }
  }
  for (const [name, from] of was) out.push({ name, from });
  return out;
}

export function movedText(before: StateSnapshot, after: StateSnapshot): string {
  const moved = movements(before, after);
  if (!moved.length) return 'nothing';
  return moved
    .map((mv) => (mv.from && mv.to ? `${mv.name} ${point(mv.from)} -> ${point(mv.to)}` : mv.to ? `${mv.name} appeared at ${point(mv.to)}` : `${mv.name} is gone`))
    .join('; ');
}
