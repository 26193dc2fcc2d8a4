import { z } from 'zod';
import { definePrimitive } from '../define.ts';

export default definePrimitive({
  name: 'wait',
  doc: 'Let that many seconds pass (the world keeps moving).',
  params: { seconds: z.number().finite().min(0).max(60, 'at most 60 seconds') },
  returns: z.void(),
  run(ctx, { seconds }) {
    return ctx.backend.wait(seconds, ctx.signal);
  },
});
