import type { WorldInfo } from '../../../primitives/backend.ts';
import type { Vec3 } from '../../../primitives/schemas.ts';
import { namedPositionsFor } from '../../../primitives/tabletop/vocabulary.ts';
import type { ArmConfig } from './config.ts';

// Programs on a real arm use the simulator's conventions: the robot's base frame, but with z = 0 on the
// table top. The config's workspace box is the program's workspace, and the named positions ("top left
// corner", "middle") come from it by the spatial vocabulary's rule, as the simulator's come from its own.

export class TableFrame {
  readonly bounds: WorldInfo['bounds'];
  readonly namedPositions: Record<string, Vec3>;

  constructor(private readonly config: Pick<ArmConfig, 'table' | 'workspace'>) {
    const { x, y, z } = config.workspace;
    const tz = config.table.z;
    this.bounds = { x: [x[0], x[1]], y: [y[0], y[1]], z: [z[0] - tz, z[1] - tz] };
    this.namedPositions = namedPositionsFor(this.bounds);
  }

  /** Base frame → table coordinates. */
  toTable(p: Vec3): Vec3 {
    return { x: p.x, y: p.y, z: p.z - this.config.table.z };
  }

  /** Table coordinates → base frame. */
  toBase(p: Vec3): Vec3 {
    return { x: p.x, y: p.y, z: p.z + this.config.table.z };
  }

  /** The rest pose's tool point (table coordinates): where the simulator's is in its workspace, out of the way. */
  home(): Vec3 {
    const [x0, x1] = this.bounds.x;
    const [y0, y1] = this.bounds.y;
    const [z0, z1] = this.bounds.z;
    return { x: x0 + (x1 - x0) / 3, y: (y0 + y1) / 2, z: Math.max(z0, Math.min(0.3, z1 - 0.05)) };
  }

  world(): WorldInfo {
    return { name: 'tabletop', bounds: { x: [...this.bounds.x], y: [...this.bounds.y], z: [...this.bounds.z] }, namedPositions: { ...this.namedPositions } };
  }
}
