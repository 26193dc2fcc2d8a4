import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'getObjectNames',
  doc: 'Names of all objects ("red block", ...).',
  params: {},
  returns: z.array(z.string()),
  query: true,
  run: (ctx: PrimitiveContext<TabletopBackend>) => ctx.backend.objects().map((o) => o.name),
});
