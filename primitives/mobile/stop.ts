import { z } from 'zod';
import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';

export default definePrimitive({
  name: 'stop',
  doc: 'Stop the robot now (zero velocity). Motions already stop by themselves when they finish.',
  params: {},
  returns: z.void(),
  run: (ctx: PrimitiveContext<MobileBackend>) => ctx.backend.stop(),
});
