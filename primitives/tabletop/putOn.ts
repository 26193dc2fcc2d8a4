import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { findObject } from './lookup.ts';
import { pickObject } from './pick.ts';
import { Target, placeHeld, requireTargetInWorkspace, resolveTarget } from './place.ts';

export default definePrimitive({
  name: 'putOn',
  doc: 'Pick the object, then place it on the target (same targets as place).',
  params: { object: Name, target: Target },
  returns: z.void(),
  async run(ctx: PrimitiveContext<TabletopBackend>, { object, target }) {
    // Check the target before picking, so a bad target moves nothing.
    const goal = resolveTarget(ctx.backend, target, 'putOn');
    requireTargetInWorkspace(goal, target, 'putOn');
    const picked = findObject(ctx.backend, object, 'putOn').name;
    if (goal.object === picked) {
      throw new WandError('validation', `putOn: cannot put "${picked}" on itself; nothing moved`, { primitive: 'putOn' });
    }
    await pickObject(ctx, object, 'putOn');
    await placeHeld(ctx, target, 'putOn');
  },
});
