import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'holding',
  doc: 'The object in the gripper, or null.',
  params: {},
  returns: z.string().nullable(),
  query: true,
  run: (ctx: PrimitiveContext<TabletopBackend>) => ctx.backend.holding(),
});
