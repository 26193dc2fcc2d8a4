import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import type { Vec3 } from '../schemas.ts';
import { pointText, travelHeight } from './lookup.ts';

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
