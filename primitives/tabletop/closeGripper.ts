import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { reportingPushes } from './motion.ts';

export default definePrimitive({
  name: 'closeGripper',
  doc: 'Close the fingers; returns the object now held, or null.',
  params: {},
  returns: z.string().nullable(),
  run: (ctx: PrimitiveContext<TabletopBackend>) => reportingPushes(ctx, [], () => ctx.backend.closeGripper(ctx.signal)),
});
