import { z } from 'zod';

// The safety part of the robot config file. Every field is optional: what is absent gets a conservative
// default (slow, close to where the robot started). Unknown keys are errors, so a typo ("maxLinaer")
// cannot silently leave a limit at a value nobody chose.

const metres = z.number().finite();
const XY = z.tuple([metres, metres]);

export const Limits = z.strictObject({
  /** m/s; the sanity caps only catch typos, they are not recommendations. */
  maxLinear: z.number().finite().positive().max(3).optional(),
  /** rad/s */
  maxAngular: z.number().finite().positive().max(6).optional(),
  /** m/s^2 */
  maxAccel: z.number().finite().positive().max(10).optional(),
  /** rad/s^2 */
  maxAngularAccel: z.number().finite().positive().max(20).optional(),
});

export const GeofenceConfig = z.union([
  z.strictObject({
    radius: z.number().finite().positive(),
    /** Odometry-frame centre; defaults to the pose the robot had when Wand connected. */
    center: XY.optional(),
  }),
  z.strictObject({ polygon: z.array(XY).min(3, 'a polygon needs at least 3 points') }),
]);
export type GeofenceConfig = z.infer<typeof GeofenceConfig>;

export const SafetyConfig = z.strictObject({
  limits: Limits.optional(),
  geofence: GeofenceConfig.optional(),
  /** Longest single motion (drive, turn, one leg of goTo), seconds. */
  maxMotionSeconds: z.number().finite().positive().max(600).optional(),
  /** Odometry older than this stops the robot and aborts the program. */
  odomTimeoutMs: z.number().int().min(50).max(10_000).optional(),
});
export type SafetyConfig = z.infer<typeof SafetyConfig>;

export const SAFETY_DEFAULTS = Object.freeze({
  maxLinear: 0.2,
  maxAngular: 0.5,
  maxAccel: 0.5,
  maxAngularAccel: 1.5,
  geofenceRadius: 2,
  maxMotionSeconds: 30,
  odomTimeoutMs: 500,
});
