import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Pose2D } from '../schemas.ts';

export default definePrimitive({
  name: 'getPose',
  doc: 'The robot pose {x, y, yaw}: metres in the odometry frame, yaw in degrees (counter-clockwise positive, 0 = +x).',
  params: {},
  returns: Pose2D,
  query: true,
  run: (ctx: PrimitiveContext<MobileBackend>) => ctx.backend.getPose(),
});
