import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { reportingPushes } from './motion.ts';

export default definePrimitive({
  name: 'openGripper',
  doc: 'Open the fingers (releases anything held).',
  params: {},
  returns: z.void(),
  run: (ctx: PrimitiveContext<TabletopBackend>) => reportingPushes(ctx, [], () => ctx.backend.openGripper(ctx.signal)),
});
