import { z } from 'zod';
import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'drive',
  doc: 'Drive straight by the distance in metres (negative = backwards); refused if it would leave the geofence.',
  params: { distance: z.number().finite().min(-20, 'at most 20 m at a time').max(20, 'at most 20 m at a time') },
  returns: z.void(),
  run: (ctx: PrimitiveContext<MobileBackend>, { distance }) => ctx.backend.drive(distance, ctx.signal),
});
