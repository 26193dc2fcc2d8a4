import { Topic } from 'roslib';
import { Euler, Matrix4, Quaternion, Vector3 } from 'three';
import type { ObjectInfo, Vec3 } from '../../../primitives/schemas.ts';
import { surfaceHeight } from '../../../primitives/tabletop/lookup.ts';
import { WandError } from '../../core/errors.ts';
import { objectSize } from '../../../sim/tabletop/object-shapes.ts';
import type { SceneSpec } from '../../../sim/tabletop/scene.ts';
import type { RosLink } from '../link.ts';
import type { DetectionsConfig, StaticTransform } from './config.ts';
import { Detection3DArrayMsg, bestHypothesis } from './messages.ts';

// Where the objects on the table are: what the robot's perception reports (vision_msgs/Detection3DArray),
// or a scene file of fixtured objects whose moves Wand books itself. Positions are in table coordinates
// (the base frame with z = 0 on the table top), like the simulator's.

export interface ObjectSource {
  /** The objects now; throws a WandError when that is not known (stale or missing detections). */
  objects(): ObjectInfo[];
  /** The same, or [] when not known: for state reports, which must never fail. */
  snapshot(): ObjectInfo[];
  /** Perception only: performance.now() of the newest detection message. */
  readonly receivedAt?: number;
  /** The gripper closed on `name` with the tool at `tool`; the object moves with the tool from now on. */
  grasped(name: string, tool: Vec3): void;
  /** The gripper opened with the tool at `tool`. */
  released(tool: Vec3): void;
  start(): void;
  stop(): void;
}

const colorAndKind = (name: string) => {
  const [color, kind] = name.split(' ') as [ObjectInfo['color'], ObjectInfo['kind']];
  return { color, kind };
};

/** Fixtured objects from a scene file: Wand tracks them as the gripper carries and releases them. */
export class FixtureObjects implements ObjectSource {
  private readonly list: ObjectInfo[];
  private held: { name: string; offset: Vec3 } | null = null;

  constructor(
    scene: SceneSpec,
    private readonly tool: () => Vec3,
  ) {
    this.list = scene.objects.map((o) => ({ name: o.name, kind: o.kind, color: o.color, position: { ...o.position }, size: objectSize(o.kind) }));
  }

  objects(): ObjectInfo[] {
    const held = this.held;
    if (held) {
      const t = this.tool();
      const o = this.list.find((v) => v.name === held.name)!;
      o.position = { x: t.x + held.offset.x, y: t.y + held.offset.y, z: t.z + held.offset.z };
    }
    return this.list.map((o) => ({ ...o, position: { ...o.position }, size: { ...o.size } }));
  }

  snapshot(): ObjectInfo[] {
    return this.objects();
  }

  grasped(name: string, tool: Vec3): void {
    const o = this.list.find((v) => v.name === name);
    if (!o) return;
    this.held = { name, offset: { x: o.position.x - tool.x, y: o.position.y - tool.y, z: o.position.z - tool.z } };
  }

  released(): void {
    if (!this.held) return;
    const o = this.objects().find((v) => v.name === this.held!.name)!;
    this.held = null;
    // It drops onto whatever is below it.
    const rest = surfaceHeight(this.list, o.position.x, o.position.y, o.name) + o.size.z / 2;
    this.list.find((v) => v.name === o.name)!.position = { ...o.position, z: Math.min(o.position.z, rest) };
  }

  start(): void {}
  stop(): void {}
}

/** A frame's pose in the base frame, from the config's xyz and roll-pitch-yaw (URDF convention). */
function frameMatrix(t: StaticTransform): Matrix4 {
  const [r, p, y] = t.rpy;
  return new Matrix4().compose(new Vector3(...t.xyz), new Quaternion().setFromEuler(new Euler(r, p, y, 'ZYX')), new Vector3(1, 1, 1));
}

const bare = (frame: string) => frame.replace(/^\//, '');

/**
 * Objects from a detector on the telemetry link. Each class id maps to a Wand name; the best-scoring
 * detection of a name wins. A detection in a frame other than the base frame is moved into it with a static
 * transform from the config (without one it is an error, not a guess). Detections older than staleMs are
 * not used: objects() says they are stale.
 */
export class DetectedObjects implements ObjectSource {
  private latest: ObjectInfo[] = [];
  private problem: string | null = null;
  receivedAt = 0;
  malformed = 0;
  private readonly topic: Topic<unknown>;
  private readonly frames = new Map<string, Matrix4>();

  constructor(
    link: RosLink,
    private readonly config: DetectionsConfig,
    private readonly baseFrame: string,
    private readonly tableZ: number,
  ) {
    this.topic = new Topic({ ros: link.ros, name: config.topic, messageType: config.type, throttle_rate: config.throttleMs, queue_length: 1 });
    for (const [frame, t] of Object.entries(config.transforms)) this.frames.set(bare(frame), frameMatrix(t));
  }

  start(): void {
    this.topic.subscribe((m) => this.onMessage(m));
  }

  stop(): void {
    this.topic.unsubscribe();
  }

  private onMessage(raw: unknown): void {
    const parsed = Detection3DArrayMsg.safeParse(raw);
    if (!parsed.success) return void this.malformed++;
    const best = new Map<string, { score: number; info: ObjectInfo }>();
    let problem: string | null = null;
    for (const d of parsed.data.detections) {
      const h = bestHypothesis(d);
      const name = h ? this.config.names[h.id] : undefined;
      if (!h || !name) continue;
      const frame = bare(d.header?.frame_id || parsed.data.header?.frame_id || '');
      const m = frame === '' || frame === bare(this.baseFrame) ? null : this.frames.get(frame);
      if (m === undefined) {
        problem = `the detections on ${this.config.topic} are in frame "${frame}", not the base frame "${this.baseFrame}"; add that frame's pose in the base frame under "objects.transforms" in the config`;
        continue;
      }
      const info = this.toObject(name, d.bbox, m);
      if ((best.get(name)?.score ?? -Infinity) < h.score) best.set(name, { score: h.score, info });
    }
    this.latest = [...best.values()].map((b) => b.info).sort((a, b) => a.name.localeCompare(b.name));
    this.problem = problem;
    this.receivedAt = performance.now();
  }

  private toObject(name: string, bbox: Detection3DArrayMsg['detections'][number]['bbox'], m: Matrix4 | null): ObjectInfo {
    const c = bbox.center.position;
    const centre = new Vector3(c.x, c.y, c.z);
    const o = bbox.center.orientation;
    const box = new Matrix4().makeRotationFromQuaternion(o ? new Quaternion(o.x, o.y, o.z, o.w).normalize() : new Quaternion());
    if (m) {
      centre.applyMatrix4(m);
      box.premultiply(new Matrix4().extractRotation(m));
    }
    // The box's extent along the base axes: |R| times its size.
    const e = box.elements;
    const s = [bbox.size.x, bbox.size.y, bbox.size.z].map(Math.abs);
    const extent = (row: number) => Math.abs(e[row]!) * s[0]! + Math.abs(e[row + 4]!) * s[1]! + Math.abs(e[row + 8]!) * s[2]!;
    const r4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0;
    return {
      name,
      ...colorAndKind(name),
      position: { x: r4(centre.x), y: r4(centre.y), z: r4(centre.z - this.tableZ) },
      size: { x: r4(extent(0)), y: r4(extent(1)), z: r4(extent(2)) },
    };
  }

  get staleMs(): number {
    return this.config.staleMs;
  }

  ageMs(): number {
    return this.receivedAt ? performance.now() - this.receivedAt : Infinity;
  }

  objects(): ObjectInfo[] {
    if (this.problem) throw new WandError('usage', this.problem);
    const age = this.ageMs();
    if (age > this.config.staleMs) {
      const bad = this.malformed ? ` (${this.malformed} malformed messages ignored)` : '';
      throw new WandError(
        'connection',
        this.receivedAt
          ? `the detections on ${this.config.topic} are stale: the last arrived ${Math.round(age)} ms ago (limit ${this.config.staleMs} ms), so where the objects are is not known${bad}`
          : `no detections have arrived on ${this.config.topic} (${this.config.type}); is the detector running?${bad}`,
      );
    }
    return this.latest.map((o) => ({ ...o, position: { ...o.position }, size: { ...o.size } }));
  }

  snapshot(): ObjectInfo[] {
    try {
      return this.objects();
    } catch {
      return [];
    }
  }

  grasped(): void {}
  released(): void {}
}
