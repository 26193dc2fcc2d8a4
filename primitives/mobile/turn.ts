import { z } from 'zod';
import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'turn',
  doc: 'Turn in place by the angle in degrees (positive = left / counter-clockwise, negative = right).',
  params: { degrees: z.number().finite().min(-1080, 'at most 3 turns').max(1080, 'at most 3 turns') },
  returns: z.void(),
  run: (ctx: PrimitiveContext<MobileBackend>, { degrees }) => ctx.backend.turn(degrees, ctx.signal),
});
