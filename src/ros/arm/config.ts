import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { COLORS } from '../../../primitives/schemas.ts';
import { RosName, parseConfig, readConfigJson } from '../config.ts';
import { Interfaces, Unrehearsed } from '../interfaces/config.ts';

// The arm config file (--config with --profile arm): where the robot's description, joint states,
// controllers and perception are, the safety envelope, and the table. Every field has a default, unknown
// keys are errors (a typo must not leave a limit at a value nobody chose), and errors name the field.
// All geometry is in the robot's base frame, metres.

const metres = z.number().finite();
const Range = z
  .tuple([metres, metres])
  .refine(([lo, hi]) => lo < hi, 'a range [min, max] with min < max');
const Vec = z.strictObject({ x: metres, y: metres, z: metres });

/** A parameter name; on ROS 2 "node:param" (e.g. "/robot_state_publisher:robot_description"). */
const ParamName = z.string().regex(/^\/?[A-Za-z~][\w/~]*(:[A-Za-z_][\w./]*)?$/, 'a parameter name like /robot_description');

const OBJECT_NAME = new RegExp(`^(${COLORS.join('|')}) (block|bowl)$`);
const ObjectName = z.string().regex(OBJECT_NAME, `a name "<colour> block" or "<colour> bowl" with a colour among ${COLORS.join(', ')}`);

/** Pose of a frame in the base frame, as in a URDF joint origin: translation, then roll-pitch-yaw (radians). */
const StaticTransform = z.strictObject({
  xyz: z.tuple([metres, metres, metres]).default([0, 0, 0]),
  rpy: z.tuple([metres, metres, metres]).default([0, 0, 0]),
});
export type StaticTransform = z.infer<typeof StaticTransform>;

const DetectionType = z.enum(['vision_msgs/Detection3DArray', 'vision_msgs/msg/Detection3DArray']);

const Detections = z.strictObject({
  topic: RosName.default('/detections'),
  type: DetectionType.default('vision_msgs/Detection3DArray'),
  /** Class id (as a string: "1", or "cup" on ROS 2) → Wand name. Detections of other classes are ignored. */
  names: z.record(z.string().min(1), ObjectName).default({}),
  /** Detections older than this (by arrival) are reported as stale and not used. */
  staleMs: z.number().int().min(50).max(60_000).default(1000),
  /** rosbridge-side throttle of the detection stream (ms between messages). */
  throttleMs: z.number().int().min(0).max(5000).default(100),
  /** Frames other than baseFrame the detector reports in: each frame's pose in the base frame. */
  transforms: z.record(z.string().min(1), StaticTransform).default({}),
});

/** Objects known in advance (fixtured): a scene file like the simulator's, in table coordinates (z = 0 on the table). */
const Fixtures = z.strictObject({ scene: z.string().min(1) });

/** Fixtures when the block names a scene, detections otherwise; errors come from the one meant. */
const Objects = z.unknown().transform((value, ctx): z.infer<typeof Fixtures> | z.infer<typeof Detections> => {
  const schema = value !== null && typeof value === 'object' && 'scene' in value ? Fixtures : Detections;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const GRIPPER_DEFAULT = { action: '/gripper_controller/gripper_cmd', open: 0.085, closed: 0.0, maxEffort: 40 };

export const ArmConfig = z.strictObject({
  profile: z.literal('arm').default('arm'),
  /** A ROS parameter holding the URDF (read through rosapi), or a URDF file. */
  robotDescription: z
    .union([ParamName, z.strictObject({ file: z.string().min(1) })], { error: 'a parameter name like "/robot_description" or {"file": "robot.urdf"}' })
    .default('/robot_description'),
  baseFrame: z.string().min(1).default('base_link'),
  toolFrame: z.string().min(1).default('tool0'),
  /** From the tool frame's origin to the point between the fingertips, in the tool frame's own axes. */
  toolOffset: Vec.default({ x: 0, y: 0, z: 0.16 }),
  jointStates: RosName.default('/joint_states'),
  /** Joint states older than this stop the arm and abort the program. */
  jointStatesTimeoutMs: z.number().int().min(50).max(10_000).default(500),
  trajectory: z
    .strictObject({
      action: RosName.default('/arm_controller/follow_joint_trajectory'),
      /** The controller's joints; default: the movable joints from baseFrame to toolFrame. */
      joints: z.array(z.string().min(1)).min(1).optional(),
    })
    .default({ action: '/arm_controller/follow_joint_trajectory' }),
  gripper: z
    .strictObject({
      action: RosName.default(GRIPPER_DEFAULT.action),
      /** control_msgs/GripperCommand positions for open and closed. */
      open: z.number().finite().default(GRIPPER_DEFAULT.open),
      closed: z.number().finite().default(GRIPPER_DEFAULT.closed),
      maxEffort: z.number().finite().min(0).default(GRIPPER_DEFAULT.maxEffort),
    })
    .refine((g) => g.open !== g.closed, { message: 'open and closed must differ', path: ['open'] })
    .default(GRIPPER_DEFAULT),
  objects: Objects.default(Detections.parse({})),
  table: z
    .strictObject({
      /** Height of the table top in the base frame; programs see it as z = 0. */
      z: metres.default(0),
      /** The fingertips never go lower than table.z plus this. */
      margin: z.number().finite().min(0).max(0.2).default(0.005),
    })
    .default({ z: 0, margin: 0.005 }),
  /** The box the fingertips stay in; it is also the program's workspace. */
  workspace: z
    .strictObject({ x: Range.default([0.2, 0.8]), y: Range.default([-0.3, 0.3]), z: Range.default([0, 0.5]) })
    .default({ x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.5] }),
  limits: z
    .strictObject({
      /** rad/s (m/s for a prismatic joint), every joint; the URDF's own velocity limit applies when lower. */
      maxJointSpeed: z.number().finite().positive().max(6).default(1.0),
      /** m/s of the fingertip point. */
      maxToolSpeed: z.number().finite().positive().max(2).default(0.25),
      /** rad/s² (m/s²): how fast speeds ramp up and down. */
      maxJointAccel: z.number().finite().positive().max(20).default(2.0),
    })
    .default({ maxJointSpeed: 1.0, maxToolSpeed: 0.25, maxJointAccel: 2.0 }),
  rosVersion: z.union([z.literal('auto'), z.literal(1), z.literal(2)], { error: 'must be "auto", 1 or 2' }).default('auto'),
  /** The robot's own services, topics and actions a program may reach, as for a mobile base. */
  interfaces: Interfaces.default([]),
  unrehearsed: Unrehearsed.default('approve'),
});
export type ArmConfig = z.infer<typeof ArmConfig>;
export type DetectionsConfig = z.infer<typeof Detections>;

export function parseArmConfig(data: unknown, source = 'config'): ArmConfig {
  return parseConfig(ArmConfig, data, source);
}

/** Reads and validates an arm config; relative file paths in it are relative to the config file. */
export async function loadArmConfig(path: string | undefined): Promise<ArmConfig> {
  if (!path) return parseArmConfig({});
  const config = parseArmConfig(await readConfigJson(path), `config ${path}`);
  const dir = dirname(path);
  if (typeof config.robotDescription === 'object') config.robotDescription = { file: resolve(dir, config.robotDescription.file) };
  if ('scene' in config.objects) config.objects = { scene: resolve(dir, config.objects.scene) };
  return config;
}
