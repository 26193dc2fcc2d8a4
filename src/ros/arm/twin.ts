import type { StateSnapshot, TabletopBackend, WorldInfo } from '../../../primitives/backend.ts';
import type { ObjectInfo, Vec3 } from '../../../primitives/schemas.ts';
import { pointText } from '../../../primitives/tabletop/lookup.ts';
import { createTabletopSim, type TabletopSim } from '../../../sim/tabletop/sim.ts';
import type { ArmModel } from '../../kinematics/arm-model.ts';
import type { ArmEnvelope } from '../../safety/arm-envelope.ts';
import type { RehearsalTwin } from '../../safety/guard.ts';
import { sceneFromState } from '../../select/scene-copy.ts';
import type { TableFrame } from './table-frame.ts';
import { timePath, type PathLimits } from './timing.ts';

// The rehearsal of an arm program: the simulator with the robot's own kinematic model (its URDF), started at
// the robot's measured joints with the objects its perception reports now, and every move planned and checked
// by a copy of the robot's envelope exactly as on the robot. A move the envelope would refuse on the robot is
// refused here first, and the robot never moves.

export interface ArmTwinOptions {
  model: ArmModel;
  /** Measured joints, the model's order; without them, the arm's rest pose with the gripper at home. */
  joints?: number[];
  /** Table coordinates. */
  objects: ObjectInfo[];
  frame: TableFrame;
  envelope: ArmEnvelope;
  limits: PathLimits;
}

export async function createArmTwin(opts: ArmTwinOptions): Promise<RehearsalTwin> {
  const { scene } = sceneFromState(opts.objects);
  const sim = await createTabletopSim(scene, {
    speed: opts.limits.toolSpeed,
    acceleration: opts.limits.toolAccel,
    arm: inTableFrame(opts.model, opts.frame),
    ...(opts.joints ? { joints: opts.model.byName(opts.joints) } : {}),
  });
  const joints = opts.joints ?? opts.model.fromNames(sim.poses().robot.joints as Record<string, number>);
  return { backend: new ArmTwin(sim, { ...opts, joints }), envelope: opts.envelope, collisions: () => [] };
}

/** The arm model with positions in table coordinates (the simulator's table top is at z = 0). */
function inTableFrame(model: ArmModel, frame: TableFrame): ArmModel {
  const toTable = (p: Vec3) => frame.toTable(p);
  return {
    ...model,
    toolPoint: (q) => toTable(model.toolPoint(q)),
    toolPose: (q) => {
      const pose = model.toolPose(q);
      return { ...pose, position: toTable(pose.position) };
    },
    ik: (target, near) => model.ik(frame.toBase(target), near),
    planLine: (from, to) => {
      const plan = model.planLine(from, frame.toBase(to));
      return { joints: plan.joints, points: plan.points.map(toTable) };
    },
  };
}

export class ArmTwin implements TabletopBackend {
  readonly profile = 'tabletop' as const;
  private joints: number[];

  constructor(
    private readonly sim: TabletopSim,
    private readonly opts: ArmTwinOptions & { joints: number[] },
  ) {
    this.joints = [...opts.joints];
  }

  /** The arm the simulator drives (the robot's URDF), for the page. */
  get arm(): ArmModel {
    return this.sim.arm;
  }

  /** The session page paces the twin like any simulator. */
  get pace(): TabletopSim['pace'] {
    return this.sim.pace;
  }

  set pace(value: TabletopSim['pace']) {
    this.sim.pace = value;
  }

  world(): WorldInfo {
    return this.opts.frame.world();
  }

  homePosition(): Vec3 {
    return this.opts.frame.home();
  }

  async moveTo(p: Vec3, signal: AbortSignal): Promise<void> {
    const { model, frame, envelope, limits } = this.opts;
    const plan = model.planLine(this.joints, frame.toBase(p));
    envelope.check(timePath(plan, limits), `moving to ${pointText(p)}`);
    await this.sim.moveTo(p, signal);
    this.joints = plan.joints.at(-1)!;
  }

  toolPosition(): Vec3 {
    return this.sim.toolPosition();
  }

  objects(): ObjectInfo[] {
    return this.sim.objects();
  }

  holding(): string | null {
    return this.sim.holding();
  }

  openGripper(signal: AbortSignal): Promise<void> {
    return this.sim.openGripper(signal);
  }

  closeGripper(signal: AbortSignal): Promise<string | null> {
    return this.sim.closeGripper(signal);
  }

  state(): StateSnapshot {
    return this.sim.state();
  }

  poses(): ReturnType<TabletopSim['poses']> {
    return this.sim.poses();
  }

  simTimeS(): number {
    return this.sim.simTimeS();
  }

  wait(seconds: number, signal: AbortSignal): Promise<void> {
    return this.sim.wait(seconds, signal);
  }

  halt(): Promise<void> {
    return this.sim.halt();
  }

  dispose(): Promise<void> {
    return this.sim.dispose();
  }
}
