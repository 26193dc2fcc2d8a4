import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name, ObjectInfo } from '../schemas.ts';
import { findObject } from './lookup.ts';

export default definePrimitive({
  name: 'getObject',
  doc: 'One object by name, with its current position.',
  params: { name: Name },
  returns: ObjectInfo,
  query: true,
  run: (ctx: PrimitiveContext<TabletopBackend>, { name }) => findObject(ctx.backend, name, 'getObject'),
});
