import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { resolveTarget, Target } from './targets.ts';
import { xyDistance } from './vocabulary.ts';

export default definePrimitive({
  name: 'distanceBetween',
  doc: 'Distance in x-y (metres) between objects, named positions or points.',
  params: { a: Target, b: Target },
  returns: z.number(),
  query: true,
  run: (ctx: PrimitiveContext<TabletopBackend>, { a, b }) =>
    xyDistance(resolveTarget(ctx.backend, a, 'distanceBetween'), resolveTarget(ctx.backend, b, 'distanceBetween')),
});
