import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { graspPoint } from './grasp.ts';
import { findObject, pointText, requireInWorkspace } from './lookup.ts';
import { expectHolding, reportingPushes, travelTo } from './motion.ts';

const APPROACH = 0.08;

export async function pickObject(ctx: PrimitiveContext<TabletopBackend>, name: string, primitive = 'pick'): Promise<void> {
  const { backend, signal } = ctx;
  const obj = findObject(backend, name, primitive);
  const held = backend.holding();
  if (held === obj.name) return;
  if (held) {
    throw new WandError('physical', `${primitive}: already holding "${held}"; place it before picking "${obj.name}"`, {
      primitive,
    });
  }
  requireInWorkspace({ x: obj.position.x, y: obj.position.y }, primitive, `"${obj.name}" at ${pointText(obj.position)}`, backend.world().bounds);
  const grasp = graspPoint(obj);
  const above = { ...grasp, z: grasp.z + APPROACH };
  await backend.openGripper(signal);
  await travelTo(backend, above, signal);
  await backend.moveTo(grasp, signal);
  const got = await backend.closeGripper(signal);
  if (got !== obj.name) {
    await backend.openGripper(signal);
    await backend.moveTo(above, signal);
    const now = backend.objects().find((o) => o.name === obj.name);
    throw new WandError(
      'physical',
      `${primitive}: the grasp missed "${obj.name}"` +
        (got ? ` (the fingers closed on "${got}" instead)` : ' (the fingers closed on nothing)') +
        (now ? `; it is at ${pointText(now.position)}` : ''),
      { primitive },
    );
  }
  await backend.moveTo(above, signal);
  expectHolding(backend, obj.name, primitive, 'while lifting it');
}

export default definePrimitive({
  name: 'pick',
  doc: 'Pick up the named object (top-down grasp); fails if the grasp misses.',
  params: { name: Name },
  returns: z.void(),
  run: (ctx: PrimitiveContext<TabletopBackend>, { name }) => reportingPushes(ctx, [name], () => pickObject(ctx, name)),
});
