import { z } from 'zod';
import { definePrimitive } from '../define.ts';
import { formatValue } from './format.ts';

export default definePrimitive({
  name: 'say',
  doc: 'Tell the person something (shown to them, not just logged).',
  params: { text: z.unknown() },
  returns: z.void(),
  query: true,
  output: true,
  run(ctx, { text }) {
    ctx.say(formatValue(text));
  },
});
