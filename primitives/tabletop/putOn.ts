import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { pickObject } from './pick.ts';
import { matchName } from '../common/names.ts';
import { reportingPushes } from './motion.ts';
import { Target, checkTarget, placeHeld } from './place.ts';

export default definePrimitive({
  name: 'putOn',
  doc: 'Pick the object, then place it on the target (same targets as place).',
  params: { object: Name, target: Target },
  returns: z.void(),
  async run(ctx: PrimitiveContext<TabletopBackend>, { object, target }) {
    // Check the target before picking, so a bad target moves nothing and a crowded one is said before the arm moves.
    const objects = ctx.backend.objects();
    const name = matchName(objects.map((o) => o.name), object);
    checkTarget(ctx, target, objects.find((o) => o.name === name), 'putOn');
    await reportingPushes(ctx, [object], async () => {
      await pickObject(ctx, object, 'putOn');
      await placeHeld(ctx, target, 'putOn', true);
    });
  },
});
