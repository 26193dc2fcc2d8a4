import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { WandError } from '../core/errors.ts';
import { parseJsonText } from '../core/json.ts';
import { SafetyConfig } from '../safety/config.ts';
import { CmdVelType, LaserScanType, OdometryType } from './messages.ts';
import { Interfaces, Unrehearsed, configPathText } from './interfaces/config.ts';

// The robot config file (--config): the safety envelope plus the robot's ROS interfaces and named places.

export const RosName = z.string().regex(/^\/?[A-Za-z~][\w/~]*$/, 'a ROS name like /cmd_vel');

export const Topics = z.strictObject({
  cmdVel: z
    .strictObject({ name: RosName.default('/cmd_vel'), type: CmdVelType.default('geometry_msgs/Twist'), frameId: z.string().default('base_link') })
    .default({ name: '/cmd_vel', type: 'geometry_msgs/Twist', frameId: 'base_link' }),
  odom: z
    .strictObject({
      name: RosName.default('/odom'),
      type: OdometryType.default('nav_msgs/Odometry'),
      /** rosbridge-side throttle of the odometry stream (ms between messages). */
      throttleMs: z.number().int().min(0).max(1000).default(50),
    })
    .default({ name: '/odom', type: 'nav_msgs/Odometry', throttleMs: 50 }),
  /** null: the robot has no laser scanner. */
  scan: z
    .strictObject({
      name: RosName.default('/scan'),
      type: LaserScanType.default('sensor_msgs/LaserScan'),
      throttleMs: z.number().int().min(0).max(5000).default(200),
      /** Yaw of the laser frame relative to the base, degrees (scan() sectors are relative to the base). */
      angleOffsetDeg: z.number().finite().default(0),
    })
    .nullable()
    .default({ name: '/scan', type: 'sensor_msgs/LaserScan', throttleMs: 200, angleOffsetDeg: 0 }),
});
export type Topics = z.infer<typeof Topics>;

export const RobotConfig = SafetyConfig.extend({
  /** The config of a mobile base may say so; an arm's says "arm" (src/ros/arm/config.ts). */
  profile: z.literal('mobile').optional(),
  topics: Topics.default(Topics.parse({})),
  /** Named places for goTo, odometry frame: {"charger": [0, 0], "door": [3.2, 0.4]}. */
  places: z.record(z.string().min(1), z.tuple([z.number().finite(), z.number().finite()])).default({}),
  /** The robot's own services, topics and actions a program may reach, each as a primitive. */
  interfaces: Interfaces.default([]),
  /** Whether motion through an interface (which cannot be rehearsed) needs the person's approval. */
  unrehearsed: Unrehearsed.default('approve'),
});
export type RobotConfig = z.infer<typeof RobotConfig>;

export function parseRobotConfig(data: unknown, source = 'config'): RobotConfig {
  return parseConfig(RobotConfig, data, source);
}

/** A config validated by its schema; a failure names each offending field (at most three). */
export function parseConfig<S extends z.ZodType>(schema: S, data: unknown, source: string): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => {
    const where = configPathText(issue.path, data);
    return `${where ? `${where}: ` : ''}${issue.message}`;
  });
  throw new WandError('usage', `${source}: ${problems.join('; ')}`);
}

export async function loadRobotConfig(path: string | undefined): Promise<RobotConfig> {
  if (!path) return parseRobotConfig({});
  return parseRobotConfig(await readConfigJson(path), `config ${path}`);
}

/** The JSON in a config file, or a usage error saying why there is none. */
export async function readConfigJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new WandError('usage', `cannot read the config file ${path}: ${(err as Error).message}`);
  }
  return parseJsonText(text, `the config file ${path}`);
}
