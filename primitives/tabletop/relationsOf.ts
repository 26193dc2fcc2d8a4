import { z } from 'zod';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name } from '../schemas.ts';
import { findObject } from './lookup.ts';
import { relationsOf } from './vocabulary.ts';

export default definePrimitive({
  name: 'relationsOf',
  doc: 'Facts about an object now, in the words of the Relations: ["in the blue bowl", ...].',
  params: { name: Name },
  returns: z.array(z.string()),
  query: true,
  run(ctx: PrimitiveContext<TabletopBackend>, { name }) {
    const { backend } = ctx;
    const obj = findObject(backend, name, 'relationsOf');
    return relationsOf(backend.objects(), backend.world().namedPositions, obj.name, backend.holding());
  },
});
