import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { findObject } from './lookup.ts';
import { resolveTarget, Target } from './targets.ts';
import { onObject, onPoint } from './vocabulary.ts';

export default definePrimitive({
  name: 'isOn',
  doc: 'Whether the object is on (in) the target, as the Relations say.',
  params: { object: Name, target: Target },
  returns: z.boolean(),
  query: true,
  run(ctx: PrimitiveContext<TabletopBackend>, { object, target }) {
    const obj = findObject(ctx.backend, object, 'isOn');
    const goal = resolveTarget(ctx.backend, target, 'isOn');
    if (goal.object?.name === obj.name) return false;
    return (goal.object ? onObject(obj, goal.object) : onPoint(obj, goal)).holds;
  },
});
