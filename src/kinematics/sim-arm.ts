import { readFileSync } from 'node:fs';
import type { ArmModel } from './arm-model.ts';
import { loadArmModel } from './load-arm-model.ts';

// The simulator's own arm, from the URDF in the repo, loaded exactly like a real robot's description.

export const SIM_ARM_URDF = new URL('../../sim/tabletop/wand-arm.urdf', import.meta.url);
export const SIM_ARM_FRAMES = { baseFrame: 'base_link', toolFrame: 'tool0' } as const;
/** Flange to fingertips: a coupling plus a Robotiq 2F-85-sized gripper, along tool0's z. */
export const SIM_TOOL_OFFSET = { x: 0, y: 0, z: 0.16 } as const;

/** Elbow up, wrist down, facing the table: the simulator solves its start pose (gripper at home) from here. */
export const SIM_ARM_REST: readonly number[] = [0, -1.2, 1.6, -2.0, -Math.PI / 2, 0];

let cached: ArmModel | undefined;

/**
 * The repo URDF with the simulator's frames and fingertip offset. The gripper keeps yaw 0 (its fingers close
 * along y, as the simulated gripper's do). Shared: a model holds no state between calls.
 */
export function simArmModel(): ArmModel {
  cached ??= loadArmModel(readFileSync(SIM_ARM_URDF, 'utf8'), { ...SIM_ARM_FRAMES, toolOffset: { ...SIM_TOOL_OFFSET }, toolYaw: 0 });
  return cached;
}
