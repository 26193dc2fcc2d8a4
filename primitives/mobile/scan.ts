import { WandError } from '../../src/core/errors.ts';
import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { ScanSectors } from '../schemas.ts';

export default definePrimitive({
  name: 'scan',
  doc:
    'Nearest obstacle distance in metres from the robot centre in each 90° sector (front = ±45° around the heading, ' +
    'left, right, back); the sensor range limit if nothing is seen, 0 where the scanner cannot look.',
  params: {},
  returns: ScanSectors,
  query: true,
  run(ctx: PrimitiveContext<MobileBackend>) {
    const s = ctx.backend.scan();
    if (!s) throw new WandError('physical', 'scan: this robot has no laser scanner', { primitive: 'scan' });
    return s;
  },
});
