import type { ObjectInfo, Pose2D, ScanSectors, Vec3 } from './schemas.ts';

// What a primitive needs from the world it drives. The simulator and the ROS robot both implement these,
// so one program runs on either. Every motion takes an AbortSignal: Ctrl-C, e-stop, time-outs and the
// safety watchdog all stop a motion through it.

export interface WorldInfo {
  name: string;
  /** Reachable workspace (tabletop) or the room / geofence box (mobile), metres. */
  bounds: { x: [number, number]; y: [number, number]; z: [number, number] };
  namedPositions: Record<string, Vec3>;
}

export interface RobotState {
  [key: string]: unknown;
}

export interface StateSnapshot {
  robot: RobotState;
  holding: string | null;
  objects: ObjectInfo[];
}

export interface BaseBackend {
  readonly profile: 'tabletop' | 'mobile';
  world(): WorldInfo;
  state(): StateSnapshot;
  /** Simulated (or, on a robot, elapsed) seconds since the backend started. */
  simTimeS(): number;
  wait(seconds: number, signal: AbortSignal): Promise<void>;
  /** Bring the robot to rest now (zero velocity / hold position). Never throws. */
  halt(): Promise<void>;
  dispose(): Promise<void>;
}

export interface TabletopBackend extends BaseBackend {
  readonly profile: 'tabletop';
  objects(): ObjectInfo[];
  holding(): string | null;
  /** Gripper tool point (between the fingertips). */
  toolPosition(): Vec3;
  /** Straight-line motion of the tool point, top-down orientation. The caller has checked the workspace. */
  moveTo(p: Vec3, signal: AbortSignal): Promise<void>;
  openGripper(signal: AbortSignal): Promise<void>;
  /** Closes the fingers; returns the object held afterwards, or null if they closed on nothing. */
  closeGripper(signal: AbortSignal): Promise<string | null>;
  /** The arm's rest pose, tool above the table out of the way. */
  homePosition(): Vec3;
}

export interface MobileBackend extends BaseBackend {
  readonly profile: 'mobile';
  getPose(): Pose2D;
  /** null when the robot has no laser scanner. */
  scan(): ScanSectors | null;
  /** Closed-loop on odometry; streams velocity commands; always ends with an explicit zero command. */
  drive(distance: number, signal: AbortSignal): Promise<void>;
  turn(degrees: number, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

export type Backend = TabletopBackend | MobileBackend;
