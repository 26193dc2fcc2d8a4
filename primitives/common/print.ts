import { z } from 'zod';
import { definePrimitive } from '../define.ts';
import { formatValue } from './format.ts';

export default definePrimitive({
  name: 'print',
  doc: 'Write values to the program output (console.log is the same).',
  params: {},
  rest: { name: 'values', schema: z.unknown() },
  returns: z.void(),
  query: true,
  output: true,
  run(ctx, { values }) {
    ctx.output((values as unknown[]).map(formatValue).join(' '));
  },
});
