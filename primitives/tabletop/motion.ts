import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { matchName } from '../common/names.ts';
import type { PrimitiveContext } from '../define.ts';
import type { Vec3 } from '../schemas.ts';
import { pointText, travelHeight } from './lookup.ts';
import { distance3, TOLERANCE } from './vocabulary.ts';

/** Up, across, down: the arm never sweeps through the objects on the table. */
export async function travelTo(backend: TabletopBackend, target: Vec3, signal: AbortSignal): Promise<void> {
  const from = backend.toolPosition();
  const horizontal = Math.hypot(target.x - from.x, target.y - from.y);
  if (horizontal > 0.005) {
    const z = Math.max(travelHeight(backend), target.z);
    if (from.z < z - 0.002) await backend.moveTo({ ...from, z }, signal);
    await backend.moveTo({ x: target.x, y: target.y, z }, signal);
  }
  await backend.moveTo(target, signal);
}

/** A held object that is no longer held after a motion slipped: that is a result, never silently ignored. */
export function expectHolding(backend: TabletopBackend, name: string, primitive: string, during: string): void {
  if (backend.holding() === name) return;
  const obj = backend.objects().find((o) => o.name === name);
  const where = obj ? ` It is now at ${pointText(obj.position)}.` : '';
  throw new WandError('physical', `${primitive}: "${name}" slipped out of the gripper ${during}.${where}`, { primitive });
}

/**
 * Runs a motion primitive and reports every other object it moved more than "did not move" allows
 * ("pushed the purple bowl 1.3 cm"), whether the motion succeeded or failed: a fact, not a failure.
 * `moving` names the objects it moves on purpose; whatever is held before or after is moved on purpose too.
 */
export async function reportingPushes<T>(ctx: PrimitiveContext<TabletopBackend>, moving: string[], motion: () => Promise<T>): Promise<T> {
  const before = new Map(ctx.backend.objects().map((o) => [o.name, o.position]));
  const heldBefore = ctx.backend.holding();
  try {
    return await motion();
  } finally {
    notePushes(ctx, before, [...moving, ...(heldBefore ? [heldBefore] : [])]);
  }
}

function notePushes(ctx: PrimitiveContext<TabletopBackend>, before: Map<string, Vec3>, moving: string[]): void {
  let after;
  try {
    after = ctx.backend.objects();
  } catch {
    return; // the world went away (disposed, link lost): nothing can be said about it
  }
  const names = after.map((o) => o.name);
  const carried = new Set([...moving.map((m) => matchName(names, m)), ctx.backend.holding()]);
  for (const o of after) {
    const from = before.get(o.name);
    if (!from || carried.has(o.name)) continue;
    const moved = distance3(from, o.position);
    if (moved > TOLERANCE.unmoved) ctx.pushed?.(o.name, moved);
  }
}
