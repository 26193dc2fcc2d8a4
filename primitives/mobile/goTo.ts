import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import { envelopeOf } from '../../src/safety/envelope.ts';
import { matchName, quoteNames } from '../common/names.ts';
import type { MobileBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { MAX_NAME_CHARS } from '../schemas.ts';
import { degToRad } from './pose.ts';

export const GoalPoint = z.object({ x: z.number().finite(), y: z.number().finite() }).meta({ id: 'XY', description: 'metres, odometry frame' });
export const Goal = z.union([z.string().min(1, 'a non-empty place name').max(MAX_NAME_CHARS, `at most ${MAX_NAME_CHARS} characters`), GoalPoint]);
export type Goal = z.infer<typeof Goal>;

/** Within this distance the robot is already there: no turn, no drive. */
const ARRIVED = 0.02;

export function resolveGoal(backend: MobileBackend, goal: Goal): { x: number; y: number; label: string } {
  if (typeof goal !== 'string') return { ...goal, label: `(${goal.x}, ${goal.y})` };
  const places = backend.world().namedPositions;
  const key = matchName(Object.keys(places), goal);
  if (key !== undefined) return { x: places[key]!.x, y: places[key]!.y, label: `"${key}"` };
  throw new WandError('unknown_object', `goTo: there is no place named "${goal}"; known places: ${quoteNames(Object.keys(places))}`, {
    primitive: 'goTo',
  });
}

/** Degrees to turn, in [-180, 180), to face the goal. */
function angleTo(from: { x: number; y: number; yaw: number }, goal: { x: number; y: number }): number {
  const heading = (Math.atan2(goal.y - from.y, goal.x - from.x) * 180) / Math.PI;
  return ((heading - from.yaw + 540) % 360) - 180;
}

export default definePrimitive({
  name: 'goTo',
  doc: 'Turn toward a named place ("door") or a point {x, y} and drive straight to it; refused if the path leaves the geofence.',
  params: { target: Goal },
  returns: z.void(),
  async run(ctx: PrimitiveContext<MobileBackend>, { target }) {
    const { backend, signal } = ctx;
    const goal = resolveGoal(backend, target);
    const from = backend.getPose();
    const dx = goal.x - from.x;
    const dy = goal.y - from.y;
    const distance = Math.hypot(dx, dy);
    if (distance < ARRIVED) return;
    // The whole path is checked before the turn, so a refused goTo moves nothing at all.
    const env = envelopeOf(backend);
    env?.requirePath(from, goal, `goTo(${goal.label})`);
    // A trip longer than one motion may take (maxMotionSeconds) is driven in legs, each checked again.
    const leg = env?.maxDriveDistance() ?? Infinity;
    for (let first = true; ; first = false) {
      const now = first ? from : backend.getPose();
      const rest = Math.hypot(goal.x - now.x, goal.y - now.y);
      if (rest < ARRIVED) return;
      const off = angleTo(now, goal);
      if (Math.abs(off) > (first ? 0.5 : 3)) await backend.turn(off, signal);
      // Re-aim from where the turn really ended, so the drive ends on the goal.
      const aimed = backend.getPose();
      const left = Math.hypot(goal.x - aimed.x, goal.y - aimed.y);
      const along = left * Math.cos(degToRad(angleTo(aimed, goal)));
      await backend.drive(Math.min(along, leg), signal);
      if (along <= leg) return;
    }
  },
});
