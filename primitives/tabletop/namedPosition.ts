import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name, Vec3 } from '../schemas.ts';
import { quoteNames } from '../common/names.ts';
import { findNamedPosition } from './lookup.ts';
import { NAMED_POSITIONS } from './world.ts';

export default definePrimitive({
  name: 'namedPosition',
  doc: 'A named table position ("top left corner", "middle", "left side", ...) as a point on the table (z = 0).',
  params: { name: Name },
  returns: Vec3,
  query: true,
  run(_ctx: PrimitiveContext<TabletopBackend>, { name }) {
    const p = findNamedPosition(name);
    if (p) return { ...p };
    const known = quoteNames(Object.keys(NAMED_POSITIONS));
    throw new WandError('unknown_object', `namedPosition: there is no position named "${name}"; known positions: ${known}`, {
      primitive: 'namedPosition',
    });
  },
});
