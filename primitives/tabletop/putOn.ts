import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { findObject } from './lookup.ts';
import { pickObject } from './pick.ts';
import { reportingPushes } from './motion.ts';
import { Target, checkTarget, placeHeld } from './place.ts';

export default definePrimitive({
  name: 'putOn',
  doc: 'Pick the object, then place it on the target (same targets as place).',
  params: { object: Name, target: Target },
  returns: z.void(),
  async run(ctx: PrimitiveContext<TabletopBackend>, { object, target }) {
    // Check the object and the target before picking, so a bad one moves nothing and a crowded target is
    // said before the arm moves.
    const picked = findObject(ctx.backend, object, 'putOn');
    const goal = checkTarget(ctx, target, picked, 'putOn');
    if (goal.object?.name === picked.name) {
      throw new WandError('validation', `putOn: cannot put "${picked.name}" on itself; nothing moved`, { primitive: 'putOn' });
    }
    await reportingPushes(ctx, [object], async () => {
      await pickObject(ctx, object, 'putOn');
      await placeHeld(ctx, target, 'putOn', true);
    });
  },
});
