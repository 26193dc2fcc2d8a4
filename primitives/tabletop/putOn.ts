import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { pickObject } from './pick.ts';
import { Target, placeHeld, requireTargetInWorkspace, resolveTarget } from './place.ts';

export default definePrimitive({
  name: 'putOn',
  doc: 'Pick the object, then place it on the target (same targets as place).',
  params: { object: Name, target: Target },
  returns: z.void(),
  async run(ctx: PrimitiveContext<TabletopBackend>, { object, target }) {
    // Check the target before picking, so a bad target moves nothing.
    requireTargetInWorkspace(ctx.backend, resolveTarget(ctx.backend, target, 'putOn'), target, 'putOn');
    await pickObject(ctx, object, 'putOn');
    await placeHeld(ctx, target, 'putOn');
  },
});
