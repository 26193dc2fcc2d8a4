import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name, Vec3 } from '../schemas.ts';
import { quoteNames } from '../common/names.ts';
import { findNamedPosition } from './lookup.ts';

export default definePrimitive({
  name: 'namedPosition',
  doc: 'A named table position ("top left corner", "middle", "left side", ...) as a point on the table (z = 0).',
  params: { name: Name },
  returns: Vec3,
  query: true,
  run(ctx: PrimitiveContext<TabletopBackend>, { name }) {
    const positions = ctx.backend.world().namedPositions;
    const p = findNamedPosition(name, positions);
    if (p) return { ...p };
    const known = quoteNames(Object.keys(positions));
    throw new WandError('unknown_object', `namedPosition: there is no position named "${name}"; known positions: ${known}`, {
      primitive: 'namedPosition',
    });
  },
});
