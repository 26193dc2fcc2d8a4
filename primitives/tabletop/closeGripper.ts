import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'closeGripper',
  doc: 'Close the fingers; returns the name of the object now held, or null if they closed on nothing.',
  params: {},
  returns: z.string().nullable(),
  run: (ctx: PrimitiveContext<TabletopBackend>) => ctx.backend.closeGripper(ctx.signal),
});
