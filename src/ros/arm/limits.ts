import type { ArmModel } from '../../kinematics/arm-model.ts';
import { ArmEnvelope } from '../../safety/arm-envelope.ts';
import type { ArmConfig } from './config.ts';
import type { PathLimits } from './timing.ts';

/** m/s² of the tool point while speeds ramp up and down. */
const TOOL_ACCEL = 1.0;

/**
 * The speed limits moves are timed with, and the envelope that checks them, from the config and the URDF:
 * a joint's speed limit is the config's or the URDF's, whichever is lower.
 */
export function armLimits(config: ArmConfig, model: ArmModel): { limits: PathLimits; envelope: ArmEnvelope } {
  const limits: PathLimits = {
    jointSpeed: model.joints.map((j) => Math.min(config.limits.maxJointSpeed, j.velocity)),
    jointAccel: model.joints.map(() => config.limits.maxJointAccel),
    toolSpeed: config.limits.maxToolSpeed,
    toolAccel: TOOL_ACCEL,
  };
  const envelope = new ArmEnvelope(
    {
      workspace: config.workspace,
      tableZ: config.table.z,
      tableMargin: config.table.margin,
      joints: model.joints,
      jointSpeed: limits.jointSpeed,
      toolSpeed: limits.toolSpeed,
    },
    (q) => model.toolPoint(q),
  );
  return { limits, envelope };
}
