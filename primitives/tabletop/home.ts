import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { reportingPushes, travelTo } from './motion.ts';

export default definePrimitive({
  name: 'home',
  doc: 'Move the arm to its rest pose.',
  params: {},
  returns: z.void(),
  run: (ctx: PrimitiveContext<TabletopBackend>) => reportingPushes(ctx, [], () => travelTo(ctx.backend, ctx.backend.homePosition(), ctx.signal)),
});
