import { z } from 'zod';

// Shared argument and result shapes. `.meta({ id })` names a shape in the generated .d.ts.

export const Vec3 = z
  .object({ x: z.number().finite(), y: z.number().finite(), z: z.number().finite() })
  .meta({ id: 'Vec3', description: 'metres' });
export type Vec3 = z.infer<typeof Vec3>;

/** A target point: `z` may be omitted, meaning "resting on whatever is below". */
export const Point = z
  .object({ x: z.number().finite(), y: z.number().finite(), z: z.number().finite().optional() })
  .meta({ id: 'Point' });
export type Point = z.infer<typeof Point>;

export const ObjectKind = z.enum(['block', 'bowl']);
export type ObjectKind = z.infer<typeof ObjectKind>;

export const COLORS = ['blue', 'red', 'green', 'orange', 'yellow', 'purple', 'pink', 'cyan', 'brown', 'gray'] as const;
export const Color = z.enum(COLORS).meta({ id: 'Color' });
export type Color = z.infer<typeof Color>;

export const ObjectInfo = z
  .object({ name: z.string(), kind: ObjectKind, color: Color, position: Vec3, size: Vec3 })
  .meta({ id: 'ObjectInfo', description: 'position is the centre; size is the bounding box' });
export type ObjectInfo = z.infer<typeof ObjectInfo>;

export const Pose2D = z
  .object({ x: z.number(), y: z.number(), yaw: z.number() })
  .meta({ id: 'Pose', description: 'metres in the odometry frame; yaw in degrees, counter-clockwise positive' });
export type Pose2D = z.infer<typeof Pose2D>;

export const ScanSectors = z
  .object({ front: z.number(), left: z.number(), right: z.number(), back: z.number() })
  .meta({ id: 'Scan', description: 'nearest obstacle distance in metres per sector' });
export type ScanSectors = z.infer<typeof ScanSectors>;

/** Names of objects and places are short; a longer string is a mistake (or an attack), refused before any lookup. */
export const MAX_NAME_CHARS = 200;
export const Name = z.string().min(1, 'a non-empty name').max(MAX_NAME_CHARS, `at most ${MAX_NAME_CHARS} characters`);
