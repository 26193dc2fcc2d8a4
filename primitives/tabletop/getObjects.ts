import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { ObjectInfo } from '../schemas.ts';

export default definePrimitive({
  name: 'getObjects',
  doc: 'All objects, with positions and sizes.',
  params: {},
  returns: z.array(ObjectInfo),
  query: true,
  run: (ctx: PrimitiveContext<TabletopBackend>) => ctx.backend.objects(),
});
