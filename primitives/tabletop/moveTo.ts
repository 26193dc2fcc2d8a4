import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Point } from '../schemas.ts';
import { requireInWorkspace } from './lookup.ts';
import { expectHolding, reportingPushes, travelTo } from './motion.ts';

export default definePrimitive({
  name: 'moveTo',
  doc: 'Move the gripper to a point (z defaults to the current height), travelling above the objects.',
  params: { p: Point },
  returns: z.void(),
  async run(ctx: PrimitiveContext<TabletopBackend>, { p }) {
    requireInWorkspace(p, 'moveTo', 'target', ctx.backend.world().bounds);
    const held = ctx.backend.holding();
    await reportingPushes(ctx, [], () => travelTo(ctx.backend, { x: p.x, y: p.y, z: p.z ?? ctx.backend.toolPosition().z }, ctx.signal));
    if (held) expectHolding(ctx.backend, held, 'moveTo', 'during the motion');
  },
});
