import { WebSocketServer, type WebSocket } from 'ws';

// A rosbridge v2 protocol server for tests and the bench, backed by a simulated diff-drive robot, that
// behaves like the real rosbridge_server recorded in /work/shared/fixtures/rosbridge:
// - no `status` frames, ever; a bad publish / advertise / subscribe or an unknown op gets no reply;
// - a failed service call answers {"op":"service_response","values":"<error text>","result":false};
// - messages go only to subscribers of a topic, filled with defaults (header seq/stamp, covariances);
// - subscribe honours throttle_rate and queue_length like rosbridge's throttle and queue handlers.
// Hooks let tests cut the connection, take the server offline, stop odometry, and see every frame.
// Extensions (the test arm in ros-arm.ts) add message types, topics, services, parameters and action ops.

export type Flavor = 'ros1' | 'ros2';

export interface BridgeOptions {
  port?: number;
  flavor?: Flavor;
  /** Rate of the robot's own /odom publisher (rosbridge throttles per subscriber). */
  odomHz?: number;
  scanHz?: number;
  /** false: the robot has no laser. */
  scan?: boolean;
  /** Like diff_drive_controller's cmd_vel_timeout: no command for this long stops the base. */
  cmdTimeoutS?: number;
  /** false: nothing subscribes to /cmd_vel (rosapi reports no subscribers, commands go nowhere). */
  robotListens?: boolean;
  /** Walls the simulated laser sees, as segments [x0, y0, x1, y1]; default a 6 m square room. */
  walls?: [number, number, number, number][];
  /** Where the robot starts; yaw in radians. */
  start?: { x: number; y: number; yaw: number };
  /** false: no diff-drive base (no /cmd_vel, /odom, /scan), e.g. for an arm. */
  base?: boolean;
  /** Like rosbridge 0.11 (ROS 1): a publish this soon after the client advertised the topic is lost. */
  dropAfterAdvertiseMs?: number;
}

/** What an extension (a test arm) plugs into the bridge. */
export interface BridgeExtension {
  /** Message definitions, by ROS 1 name (pkg/Type), for this flavor. */
  types?: Record<string, MsgDef>;
  /** Topics it publishes or takes, with their types as rosapi lists them. */
  topics?: Record<string, string>;
  /** Parameters rosapi's get_param returns (ROS 2 names are "/node:param"). */
  params?: Record<string, unknown>;
  /** Action servers, name → type, for rosapi (ROS 1 ones are also found from their topics). */
  actions?: Record<string, string>;
  /** A message published on one of its topics (after the bridge checked it). */
  onPublish?(topic: string, msg: any): void;
  /** The robot's own services, with their types for rosapi; a throw (or a rejection) answers result false. */
  services?: Record<string, { type: string; call(args: any): unknown }>;
  /** Operations it handles (send_action_goal, cancel_action_goal); true if handled. */
  onOp?(client: number, frame: any): boolean;
  close?(): void;
}

export interface RecordedFrame {
  /** ms since the server started */
  t: number;
  client: number;
  frame: any;
}

export type FieldType =
  | 'float64'
  | 'float32'
  | 'uint32'
  | 'int32'
  | 'int64'
  | 'uint64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'bool'
  | 'string'
  | 'time'
  | 'duration'
  | { array: FieldType; length?: number }
  | { msg: string };
export type MsgDef = Record<string, FieldType>;
const INTEGER: FieldType[] = ['uint32', 'int32', 'int64', 'uint64', 'int8', 'uint8', 'int16', 'uint16'];

const f64: FieldType = 'float64';
const f32: FieldType = 'float32';

function typeDefs(flavor: Flavor): Record<string, MsgDef> {
  return {
    'std_msgs/Header': flavor === 'ros1' ? { seq: 'uint32', stamp: 'time', frame_id: 'string' } : { stamp: 'time', frame_id: 'string' },
    'std_msgs/String': { data: 'string' },
    'geometry_msgs/Vector3': { x: f64, y: f64, z: f64 },
    'geometry_msgs/Point': { x: f64, y: f64, z: f64 },
    'geometry_msgs/Quaternion': { x: f64, y: f64, z: f64, w: f64 },
    'geometry_msgs/Pose': { position: { msg: 'geometry_msgs/Point' }, orientation: { msg: 'geometry_msgs/Quaternion' } },
    'geometry_msgs/PoseWithCovariance': { pose: { msg: 'geometry_msgs/Pose' }, covariance: { array: f64, length: 36 } },
    'geometry_msgs/Twist': { linear: { msg: 'geometry_msgs/Vector3' }, angular: { msg: 'geometry_msgs/Vector3' } },
    'geometry_msgs/TwistStamped': { header: { msg: 'std_msgs/Header' }, twist: { msg: 'geometry_msgs/Twist' } },
    'geometry_msgs/TwistWithCovariance': { twist: { msg: 'geometry_msgs/Twist' }, covariance: { array: f64, length: 36 } },
    'nav_msgs/Odometry': {
      header: { msg: 'std_msgs/Header' },
      child_frame_id: 'string',
      pose: { msg: 'geometry_msgs/PoseWithCovariance' },
      twist: { msg: 'geometry_msgs/TwistWithCovariance' },
    },
    'sensor_msgs/LaserScan': {
      header: { msg: 'std_msgs/Header' },
      angle_min: f32,
      angle_max: f32,
      angle_increment: f32,
      time_increment: f32,
      scan_time: f32,
      range_min: f32,
      range_max: f32,
      ranges: { array: f32 },
      intensities: { array: f32 },
    },
  };
}

/** rosapi/Topics for /rosapi/topics (rosapi_msgs/srv/Topics on ROS 2); std_srvs/Trigger for the others. */
function serviceType(service: string, ros2: boolean): string {
  const m = /^\/rosapi\/(\w+)$/.exec(service);
  if (!m) return ros2 ? 'std_srvs/srv/Trigger' : 'std_srvs/Trigger';
  const name = m[1]!.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase()).replace(/^GetRosVersion$/, 'GetROSVersion').replace(/^ActionServers$/, 'GetActionServers');
  return ros2 ? `rosapi_msgs/srv/${name}` : `rosapi/${name}`;
}

/** "geometry_msgs/msg/Twist" and "geometry_msgs/Twist" name the same type, as in rosbridge. */
const normalizeType = (t: string) => t.replace(/^([\w]+)\/msg\/([\w]+)$/, '$1/$2');

class MessageTypes {
  private readonly defs: Record<string, MsgDef>;
  constructor(private readonly flavor: Flavor) {
    this.defs = typeDefs(flavor);
  }

  add(defs: Record<string, MsgDef>): void {
    Object.assign(this.defs, defs);
  }

  known(type: string): boolean {
    return normalizeType(type) in this.defs;
  }

  private defaultOf(t: FieldType): unknown {
    if (typeof t === 'string') {
      if (t === 'string') return '';
      if (t === 'bool') return false;
      if (t === 'time' || t === 'duration') return this.flavor === 'ros1' ? { secs: 0, nsecs: 0 } : { sec: 0, nanosec: 0 };
      return 0;
    }
    if ('array' in t) return t.length ? Array.from({ length: t.length }, () => this.defaultOf(t.array)) : [];
    return this.populate(t.msg, {});
  }

  /** rosbridge's populate_instance: defaults for missing fields; an unknown field or a wrong type fails. */
  populate(type: string, msg: unknown): any {
    const def = this.defs[normalizeType(type)];
    if (!def) throw new Error(`unknown type ${type}`);
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error(`${type} message must be an object`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(msg)) if (!(key in def)) throw new Error(`${type} has no field ${key}`);
    for (const [key, ft] of Object.entries(def)) {
      const v = (msg as Record<string, unknown>)[key];
      out[key] = v === undefined ? this.defaultOf(ft) : this.value(ft, v, `${type}.${key}`);
    }
    return out;
  }

  private value(t: FieldType, v: unknown, where: string): unknown {
    if (typeof t === 'string') {
      if (t === 'string') {
        if (typeof v !== 'string') throw new Error(`${where} requires a string`);
        return v;
      }
      if (t === 'bool') {
        if (typeof v !== 'boolean') throw new Error(`${where} requires a bool`);
        return v;
      }
      if (t === 'time' || t === 'duration') {
        // {secs, nsecs} on ROS 1, {sec, nanosec} on ROS 2; other keys fail like any unknown field.
        const keys = this.flavor === 'ros1' ? ['secs', 'nsecs'] : ['sec', 'nanosec'];
        if (typeof v !== 'object' || v === null) throw new Error(`${where} requires a ${t}`);
        for (const k of Object.keys(v)) if (!keys.includes(k)) throw new Error(`${where} has no field ${k}`);
        const out: Record<string, number> = {};
        for (const k of keys) {
          const n = (v as Record<string, unknown>)[k] ?? 0;
          if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`${where}.${k} requires an integer`);
          out[k] = n;
        }
        return out;
      }
      if (typeof v !== 'number') throw new Error(`${where} requires a number, got ${typeof v}`);
      if (INTEGER.includes(t) && !Number.isInteger(v)) throw new Error(`${where} requires an integer, got ${v}`);
      return v;
    }
    if ('array' in t) {
      if (!Array.isArray(v)) throw new Error(`${where} requires an array`);
      return v.map((e, i) => this.value(t.array, e, `${where}[${i}]`));
    }
    return this.populate(t.msg, v);
  }
}

interface Subscription {
  id?: string;
  throttleMs: number;
  queueLength: number;
  lastSent: number;
  queue: unknown[];
  timer: NodeJS.Timeout | null;
}

interface Client {
  id: number;
  ws: WebSocket;
  subs: Map<string, Subscription>;
  /** Topic → when this client advertised it (ms, server clock). */
  advertised: Map<string, number>;
}

const ROBOT_NODE = '/sim_base';

export class RosbridgeTestServer {
  readonly frames: RecordedFrame[] = [];
  /** What the server would have logged (it replies nothing to these). */
  readonly log: string[] = [];
  readonly robot = { x: 0, y: 0, yaw: 0, v: 0, w: 0, lastCmdAt: 0 };
  odometryOn = true;
  robotListens: boolean;
  /** Services that never answer (for client-side timeout tests). */
  readonly hangingServices = new Set<string>();
  private wss: WebSocketServer | null = null;
  private readonly clients = new Set<Client>();
  private nextClient = 1;
  private readonly topicTypes = new Map<string, string>();
  private readonly types: MessageTypes;
  private readonly t0 = performance.now();
  private timers: NodeJS.Timeout[] = [];
  private seq = { odom: 0, scan: 0 };
  private lastStep = performance.now();
  private readonly opts: Required<Omit<BridgeOptions, 'start'>>;
  private readonly extensions: BridgeExtension[] = [];
  private readonly params = new Map<string, unknown>();
  private readonly actionServers = new Map<string, string>();

  private constructor(opts: BridgeOptions) {
    this.opts = {
      port: 0,
      flavor: 'ros1',
      odomHz: 50,
      scanHz: 10,
      scan: true,
      cmdTimeoutS: 0.5,
      robotListens: true,
      base: true,
      dropAfterAdvertiseMs: 0,
      walls: [
        [-3, -3, 3, -3],
        [3, -3, 3, 3],
        [3, 3, -3, 3],
        [-3, 3, -3, -3],
      ],
      ...opts,
    };
    this.robotListens = this.opts.robotListens;
    this.types = new MessageTypes(this.opts.flavor);
    if (opts.start) Object.assign(this.robot, opts.start);
    const t = (name: string) => (this.opts.flavor === 'ros2' ? name.replace('/', '/msg/') : name);
    if (!this.opts.base) return;
    this.topicTypes.set('/cmd_vel', t('geometry_msgs/Twist'));
    this.topicTypes.set('/odom', t('nav_msgs/Odometry'));
    if (this.opts.scan) this.topicTypes.set('/scan', t('sensor_msgs/LaserScan'));
  }

  static async start(opts: BridgeOptions = {}): Promise<RosbridgeTestServer> {
    const s = new RosbridgeTestServer(opts);
    await s.listen(s.opts.port);
    if (!s.opts.base) return s;
    s.timers.push(setInterval(() => s.step(), 5));
    s.timers.push(setInterval(() => s.publishOdom(), 1000 / s.opts.odomHz));
    if (s.opts.scan) s.timers.push(setInterval(() => s.publishScan(), 1000 / s.opts.scanHz));
    return s;
  }

  get flavor(): Flavor {
    return this.opts.flavor;
  }

  /** Plugs an extension (a test arm) into the bridge. */
  extend(ext: BridgeExtension): void {
    this.extensions.push(ext);
    if (ext.types) this.types.add(ext.types);
    for (const [topic, type] of Object.entries(ext.topics ?? {})) this.topicTypes.set(topic, type);
    for (const [name, value] of Object.entries(ext.params ?? {})) this.params.set(name, value);
    for (const [name, type] of Object.entries(ext.actions ?? {})) this.actionServers.set(name, type);
  }

  /** A message filled in and checked like rosbridge does (throws on an unknown field or a wrong type). */
  populate(type: string, msg: unknown): any {
    return this.types.populate(type, msg);
  }

  /** Publishes from the robot's side: to every subscriber of the topic, as rosbridge relays it. */
  publish(topic: string, msg: unknown): void {
    const type = this.topicTypes.get(topic);
    if (!type) throw new Error(`test bridge: ${topic} has no type`);
    this.deliver(topic, this.types.populate(type, msg));
  }

  /** The type rosapi's topic_type reports, if any. */
  topicTypeOf(topic: string): string | undefined {
    return this.topicTypes.get(topic);
  }

  /** A frame to one client (an action result or feedback). */
  sendTo(clientId: number, frame: unknown): void {
    for (const c of this.clients) if (c.id === clientId) this.send(c, frame);
  }

  /** Whether any client subscribes to the topic. */
  hasSubscriber(topic: string): boolean {
    return [...this.clients].some((c) => c.subs.has(topic));
  }

  get port(): number {
    return this.opts.port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.opts.port}`;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
      wss.once('listening', () => {
        this.opts.port = (wss.address() as { port: number }).port;
        this.wss = wss;
        resolve();
      });
      wss.once('error', reject);
      wss.on('connection', (ws) => this.onConnection(ws));
    });
  }

  /** ms since the server started (the clock of RecordedFrame.t). */
  elapsedMs(): number {
    return performance.now() - this.t0;
  }

  // ---- hooks for tests ----

  /** Drop every client socket at once, without a closing handshake (a crash, a cable pulled). */
  killConnections(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  /** Drop all clients and stop listening: reconnects fail until goOnline(). */
  async goOffline(): Promise<void> {
    this.killConnections();
    const wss = this.wss;
    this.wss = null;
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  }

  async goOnline(): Promise<void> {
    if (!this.wss) await this.listen(this.opts.port);
  }

  /** Stop reading from one client without closing its socket (a half-open link: no close, no pongs). */
  freezeClient(id: number): void {
    for (const c of this.clients) if (c.id === id) (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  stopOdometry(): void {
    this.odometryOn = false;
  }

  resumeOdometry(): void {
    this.odometryOn = true;
  }

  /** The client→server publish frames on a topic, in order. */
  publishes(topic: string): RecordedFrame[] {
    return this.frames.filter((f) => f.frame?.op === 'publish' && f.frame.topic === topic);
  }

  clientCount(): number {
    return this.clients.size;
  }

  /** Resolves when `n` clients are connected (the robot backend uses two). */
  async waitForClients(n: number, timeoutMs = 5000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (this.clients.size < n) {
      if (performance.now() > end) throw new Error(`expected ${n} clients, have ${this.clients.size}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const ext of this.extensions) ext.close?.();
    await this.goOffline();
  }

  // ---- protocol ----

  private onConnection(ws: WebSocket): void {
    const client: Client = { id: this.nextClient++, ws, subs: new Map(), advertised: new Map() };
    this.clients.add(client);
    ws.on('message', (data) => this.onFrame(client, data.toString()));
    ws.on('close', () => {
      this.clients.delete(client);
      for (const s of client.subs.values()) if (s.timer) clearTimeout(s.timer);
    });
    ws.on('error', () => {});
  }

  private send(client: Client, frame: unknown): void {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(frame));
  }

  private onFrame(client: Client, text: string): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      this.log.push(`client ${client.id}: unparseable frame`);
      return;
    }
    this.frames.push({ t: this.elapsedMs(), client: client.id, frame });
    switch (frame?.op) {
      case 'advertise':
        return this.onAdvertise(client, frame);
      case 'unadvertise':
        client.advertised.delete(frame.topic);
        return;
      case 'publish':
        return this.onPublish(client, frame);
      case 'subscribe':
        return this.onSubscribe(client, frame);
      case 'unsubscribe': {
        const sub = client.subs.get(frame.topic);
        if (sub?.timer) clearTimeout(sub.timer);
        client.subs.delete(frame.topic);
        return;
      }
      case 'call_service':
        return this.onCallService(client, frame);
      default:
        if (this.extensions.some((ext) => ext.onOp?.(client.id, frame))) return;
        if (frame?.op === 'send_action_goal' && this.opts.flavor === 'ros2') {
          // rosbridge waits a second for the action server, then gives up.
          const reply = { op: 'action_result', id: frame.id, action: frame.action, values: 'No action server available', status: 0, result: false };
          setTimeout(() => this.send(client, reply), 1000).unref();
          return;
        }
        this.log.push(`client ${client.id}: unknown op ${JSON.stringify(frame?.op)}`); // no reply, like rosbridge
    }
  }

  private onAdvertise(client: Client, frame: any): void {
    const { topic, type } = frame;
    if (typeof topic !== 'string' || typeof type !== 'string' || !this.types.known(type)) {
      this.log.push(`advertise ${topic}: unknown type ${type}`);
      return;
    }
    const existing = this.topicTypes.get(topic);
    if (existing && normalizeType(existing) !== normalizeType(type)) {
      this.log.push(`advertise ${topic}: type conflict (${existing} vs ${type})`);
      return;
    }
    this.topicTypes.set(topic, type);
    if (!client.advertised.has(topic)) client.advertised.set(topic, this.elapsedMs());
  }

  private onPublish(client: Client, frame: any): void {
    const { topic } = frame;
    const type = this.topicTypes.get(topic);
    if (!type) {
      this.log.push(`publish ${topic}: topic has no type (not advertised)`);
      return;
    }
    const since = client.advertised.get(topic);
    if (since !== undefined && this.elapsedMs() - since < this.opts.dropAfterAdvertiseMs) {
      this.log.push(`publish ${topic}: lost (the ROS publisher was not connected yet)`);
      return;
    }
    let msg: any;
    try {
      msg = this.types.populate(type, frame.msg);
    } catch (err) {
      this.log.push(`publish ${topic}: ${(err as Error).message}`);
      return;
    }
    for (const ext of this.extensions) ext.onPublish?.(topic, msg);
    if (topic === '/cmd_vel' && this.robotListens) {
      this.robot.v = msg.linear.x;
      this.robot.w = msg.angular.z;
      this.robot.lastCmdAt = performance.now();
    }
    this.deliver(topic, msg);
  }

  private onSubscribe(client: Client, frame: any): void {
    const { topic } = frame;
    const type: string | undefined = frame.type ?? this.topicTypes.get(topic);
    if (typeof topic !== 'string' || !type || !this.types.known(type)) {
      this.log.push(`subscribe ${topic}: unknown type ${type}`);
      return;
    }
    const existing = this.topicTypes.get(topic);
    if (existing && normalizeType(existing) !== normalizeType(type)) {
      this.log.push(`subscribe ${topic}: type conflict (${existing} vs ${type})`);
      return;
    }
    if (!existing) this.topicTypes.set(topic, type);
    client.subs.set(topic, {
      id: frame.id,
      throttleMs: Math.max(0, Number(frame.throttle_rate) || 0),
      queueLength: Math.max(0, Number(frame.queue_length) || 0),
      lastSent: -Infinity,
      queue: [],
      timer: null,
    });
  }

  private onCallService(client: Client, frame: any): void {
    const { service, id } = frame;
    const args = frame.args ?? {};
    if (this.hangingServices.has(service)) return;
    const ok = (values: unknown) => this.send(client, { op: 'service_response', service, values, result: true, ...(id !== undefined && { id }) });
    const fail = (text: string) => this.send(client, { op: 'service_response', service, values: text, result: false, ...(id !== undefined && { id }) });
    const ros2 = this.opts.flavor === 'ros2';
    const own = this.ownService(service);
    if (own) {
      let values: unknown;
      try {
        values = own.call(args);
      } catch (err) {
        return fail((err as Error).message);
      }
      return void Promise.resolve(values).then(ok, (err: Error) => fail(err.message));
    }
    switch (service) {
      case '/rosapi/topics': {
        // ROS 2's rosapi leaves out hidden topics (an action's /_action/... ones).
        const topics = [...this.topicTypes.keys()].filter((t) => !t.includes('/_'));
        return ok({ topics, types: topics.map((t) => this.topicTypes.get(t)) });
      }
      case '/rosapi/get_ros_version':
        // Only ROS 2's rosapi has it; on ROS 1 the call fails like any missing service.
        return ros2 ? ok({ version: 2, distro: 'humble' }) : fail(`Service ${service} does not exist`);
      case '/rosapi/get_param': {
        const known = ros2 ? ['name', 'default_value'] : ['name', 'default'];
        const extra = Object.keys(args).find((k) => !known.includes(k));
        if (extra) return fail(`${ros2 ? 'rosapi_msgs/srv/GetParam_Request' : 'rosapi/GetParamRequest'} has no field ${extra}`);
        if (typeof args.name !== 'string') return fail('GetParam: name must be a string');
        // ROS 2 names a node: "/node:param"; a name without one is "malformed" and answers an empty value.
        if (ros2 && !args.name.includes(':')) return ok({ value: '' });
        const value = this.params.has(args.name) ? this.params.get(args.name) : (args.default ?? args.default_value ?? '');
        return ok({ value: JSON.stringify(value) });
      }
      case '/rosapi/services':
        return ok({ services: this.services() });
      case '/rosapi/service_type':
        return ok({ type: this.ownService(args.service)?.type ?? (this.services().includes(args.service) ? serviceType(args.service, ros2) : '') });
      case '/rosapi/action_servers': {
        if (ros2) return ok({ action_servers: [...this.actionServers.keys()] });
        // ROS 1's rosapi finds servers from their five topics; it may list one twice (as the real one does).
        const names = [...this.topicTypes.keys()].filter((t) => t.endsWith('/goal')).map((t) => t.slice(0, -'/goal'.length));
        const servers = names.filter((n) => ['cancel', 'status', 'feedback', 'result'].every((s) => this.topicTypes.has(`${n}/${s}`)));
        return ok({ action_servers: [...servers, ...servers.slice(0, 1)] });
      }
      case '/rosapi/action_type':
        return ros2 ? ok({ type: this.actionServers.get(args.action) ?? '' }) : fail(`Service ${service} does not exist`);
      case '/rosapi/subscribers': {
        if (typeof args.topic !== 'string') return fail('rosapi/SubscribersRequest message requires a string for field topic');
        const subs = [...this.clients].filter((c) => c.subs.has(args.topic)).map((c) => `/rosbridge_websocket_${c.id}`);
        if (args.topic === '/cmd_vel' && this.robotListens) subs.unshift(ROBOT_NODE);
        return ok({ subscribers: subs });
      }
      case '/sim/reset':
        Object.assign(this.robot, { x: 0, y: 0, yaw: 0, v: 0, w: 0 });
        return ok({ success: true, message: 'pose reset to origin' });
      default:
        return fail(`Service ${service} does not exist`);
    }
  }

  /** An extension's own service (the robot's, or rosapi introspection a test adds). */
  private ownService(name: string): { type: string; call(args: any): unknown } | undefined {
    return this.extensions.find((ext) => ext.services?.[name])?.services?.[name];
  }

  private services(): string[] {
    const rosapi = ['topics', 'subscribers', 'services', 'service_type', 'get_param', 'action_servers'].map((s) => `/rosapi/${s}`);
    if (this.opts.flavor === 'ros2') rosapi.push('/rosapi/get_ros_version', '/rosapi/action_type');
    const own = this.extensions.flatMap((ext) => Object.keys(ext.services ?? {}));
    return [...rosapi, ...(this.opts.base ? ['/sim/reset'] : []), ...own];
  }

  private deliver(topic: string, msg: unknown): void {
    const now = this.elapsedMs();
    for (const c of this.clients) {
      const sub = c.subs.get(topic);
      if (!sub) continue;
      const frame = { op: 'publish', topic, msg };
      if (sub.throttleMs === 0) {
        this.send(c, frame);
      } else if (sub.queueLength === 0) {
        // rosbridge's throttle handler: drop what arrives inside the window.
        if (now - sub.lastSent >= sub.throttleMs) {
          sub.lastSent = now;
          this.send(c, frame);
        }
      } else {
        // Queue handler: keep the newest queue_length, send one per throttle_rate.
        sub.queue.push(frame);
        while (sub.queue.length > sub.queueLength) sub.queue.shift();
        if (!sub.timer) this.scheduleQueue(c, sub);
      }
    }
  }

  private scheduleQueue(c: Client, sub: Subscription): void {
    const wait = Math.max(0, sub.lastSent + sub.throttleMs - this.elapsedMs());
    sub.timer = setTimeout(() => {
      sub.timer = null;
      const next = sub.queue.shift();
      if (!next) return;
      sub.lastSent = this.elapsedMs();
      this.send(c, next);
      if (sub.queue.length) this.scheduleQueue(c, sub);
    }, wait);
  }

  // ---- the robot ----

  private step(): void {
    const t = performance.now();
    const dt = (t - this.lastStep) / 1000;
    this.lastStep = t;
    const r = this.robot;
    if (t - r.lastCmdAt > this.opts.cmdTimeoutS * 1000) {
      r.v = 0;
      r.w = 0;
    }
    const mid = r.yaw + (r.w * dt) / 2;
    r.x += r.v * Math.cos(mid) * dt;
    r.y += r.v * Math.sin(mid) * dt;
    r.yaw = Math.atan2(Math.sin(r.yaw + r.w * dt), Math.cos(r.yaw + r.w * dt));
  }

  private header(frame: string, seq: number): unknown {
    const ms = Date.now();
    return this.opts.flavor === 'ros1'
      ? { seq, stamp: { secs: Math.floor(ms / 1000), nsecs: (ms % 1000) * 1e6 }, frame_id: frame }
      : { stamp: { sec: Math.floor(ms / 1000), nanosec: (ms % 1000) * 1e6 }, frame_id: frame };
  }

  private publishOdom(): void {
    if (!this.odometryOn) return;
    const r = this.robot;
    const msg = this.types.populate('nav_msgs/Odometry', {
      header: this.header('odom', this.seq.odom++),
      child_frame_id: 'base_link',
      pose: { pose: { position: { x: r.x, y: r.y, z: 0 }, orientation: { x: 0, y: 0, z: Math.sin(r.yaw / 2), w: Math.cos(r.yaw / 2) } } },
      twist: { twist: { linear: { x: r.v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: r.w } } },
    });
    this.deliver('/odom', msg);
  }

  private publishScan(): void {
    if (![...this.clients].some((c) => c.subs.has('/scan'))) return;
    const n = 360;
    const rangeMax = 3.5;
    const r = this.robot;
    const ranges: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      const a = r.yaw - Math.PI + (i * 2 * Math.PI) / n;
      const dx = Math.cos(a);
      const dy = Math.sin(a);
      let best = Infinity;
      for (const [ax, ay, bx, by] of this.opts.walls) {
        const ex = bx - ax;
        const ey = by - ay;
        const den = dx * ey - dy * ex;
        if (Math.abs(den) < 1e-12) continue;
        const t = ((ax - r.x) * ey - (ay - r.y) * ex) / den;
        const u = ((ax - r.x) * dy - (ay - r.y) * dx) / den;
        if (t >= 0 && u >= 0 && u <= 1) best = Math.min(best, t);
      }
      // rosbridge sends +Inf (out of range) as null.
      ranges.push(best > rangeMax ? null : Math.round(best * 1000) / 1000);
    }
    const msg = {
      header: this.header('base_scan', this.seq.scan++),
      angle_min: -Math.PI,
      angle_max: Math.PI - (2 * Math.PI) / n,
      angle_increment: (2 * Math.PI) / n,
      time_increment: 0,
      scan_time: 1 / this.opts.scanHz,
      range_min: 0.12,
      range_max: rangeMax,
      ranges,
      intensities: [],
    };
    this.deliver('/scan', msg);
  }
}
