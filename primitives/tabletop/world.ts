import type { WorldInfo } from '../backend.ts';
import type { Vec3 } from '../schemas.ts';
import { namedPositionsFor } from './vocabulary.ts';

// The Code as Policies tabletop in ROS conventions (REP-103): metres, robot base at the origin,
// +x away from the robot ("top" of the table), +y to the robot's left, +z up, table top at z = 0.

export const WORKSPACE = { x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.5] } as const satisfies WorldInfo['bounds'];

/** The table itself is larger than the reachable workspace, so objects can be pushed out of reach or off it. */
export const TABLE = { x: [0.0, 1.0], y: [-0.5, 0.5] } as const;

/** Today's simulated workspace gives the Code as Policies positions: corners (0.75, ±0.25), sides, middle (0.5, 0). */
export const NAMED_POSITIONS: Record<string, Vec3> = namedPositionsFor(WORKSPACE);

export const BLOCK_SIZE = 0.04;
export const BOWL = { diameter: 0.12, depth: 0.05 } as const;

export const TABLETOP_WORLD: WorldInfo = {
  name: 'tabletop',
  bounds: { x: [...WORKSPACE.x], y: [...WORKSPACE.y], z: [...WORKSPACE.z] },
  namedPositions: NAMED_POSITIONS,
};
