import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name, Vec3 } from '../schemas.ts';
import { quoteNames } from '../common/names.ts';
import { namedPositionOf } from './targets.ts';

export default definePrimitive({
  name: 'namedPosition',
  doc: 'A named position ("top left corner", "middle", ...) as a point on the table (z = 0).',
  params: { name: Name },
  returns: Vec3,
  query: true,
  run(ctx: PrimitiveContext<TabletopBackend>, { name }) {
    const p = namedPositionOf(ctx.backend, name);
    if (p) return { ...p.at };
    const known = quoteNames(Object.keys(ctx.backend.world().namedPositions));
    throw new WandError('unknown_object', `namedPosition: there is no position named "${name}"; known positions: ${known}`, {
      primitive: 'namedPosition',
    });
  },
});
