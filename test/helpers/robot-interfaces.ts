import type { FieldType, Flavor, MsgDef, RosbridgeTestServer } from './rosbridge-server.ts';
import { TestActionServer, type ServerGoal } from './test-action-server.ts';

// The robot's own interfaces for the test rosbridge server, and rosapi's introspection of them exactly as
// a real rosapi answers it (rosbridge_suite's rosapi/objectutils.py):
// - message_details / service_{request,response}_details / action_{goal,result,feedback}_details return
//   the asked type's typedef first, then every contained type's once (depth first);
// - ROS 1 names fields float32/float64/bool/time, its typedefs are `pkg/Type`, a service request is
//   `std_srvs/TriggerRequest`, `time` is a typedef {secs, nsecs}, constnames are the constants only;
// - ROS 2 names fields float/double/boolean, nested builtin_interfaces/Time {sec, nanosec}, typedefs drop the
//   `/msg/` (`std_msgs/ColorRGBA`, `std_srvs/Trigger_Request`, `nav2_msgs/NavigateToPose_Goal`), and its
//   constnames also hold SLOT_TYPES and every field accessor.
// The robot, plugged into the bridge as an extension: /dock (std_srvs/Trigger), a status light on
// /light/color (std_msgs/ColorRGBA), a battery on /battery_state (sensor_msgs/BatteryState), /cmd_vel,
// and a navigation action with feedback on the shared test action server: move_base
// (move_base_msgs/MoveBase, actionlib topics) on ROS 1, navigate_to_pose (nav2_msgs/action/NavigateToPose,
// rosbridge's action operations) on ROS 2.

type Neutral = 'float32' | 'float64' | 'bool' | 'uint8' | 'uint16' | 'int16' | 'int32' | 'uint32' | 'string' | 'time' | 'duration';
/** name, type (a neutral scalar or a message type `pkg/Name`), array length (-1 none, 0 variable, N fixed). */
type Spec = { fields: [string, string, number?][]; consts?: [string, string][] };

const HEADER_1: Spec = { fields: [['seq', 'uint32'], ['stamp', 'time'], ['frame_id', 'string']] };
const HEADER_2: Spec = { fields: [['stamp', 'time'], ['frame_id', 'string']] };

const BATTERY: Spec = {
  fields: [
    ['header', 'std_msgs/Header'],
    ['voltage', 'float32'],
    ['temperature', 'float32'],
    ['current', 'float32'],
    ['charge', 'float32'],
    ['capacity', 'float32'],
    ['design_capacity', 'float32'],
    ['percentage', 'float32'],
    ['power_supply_status', 'uint8'],
    ['power_supply_health', 'uint8'],
    ['power_supply_technology', 'uint8'],
    ['present', 'bool'],
    ['cell_voltage', 'float32', 0],
    ['cell_temperature', 'float32', 0],
    ['location', 'string'],
    ['serial_number', 'string'],
  ],
  consts: [
    ['POWER_SUPPLY_HEALTH_COLD', '6'],
    ['POWER_SUPPLY_HEALTH_DEAD', '3'],
    ['POWER_SUPPLY_HEALTH_GOOD', '1'],
    ['POWER_SUPPLY_HEALTH_OVERHEAT', '2'],
    ['POWER_SUPPLY_HEALTH_OVERVOLTAGE', '4'],
    ['POWER_SUPPLY_HEALTH_UNKNOWN', '0'],
    ['POWER_SUPPLY_STATUS_CHARGING', '1'],
    ['POWER_SUPPLY_STATUS_DISCHARGING', '2'],
    ['POWER_SUPPLY_STATUS_FULL', '4'],
    ['POWER_SUPPLY_STATUS_NOT_CHARGING', '3'],
    ['POWER_SUPPLY_STATUS_UNKNOWN', '0'],
  ],
};

const POSE_STAMPED: Spec = { fields: [['header', 'std_msgs/Header'], ['pose', 'geometry_msgs/Pose']] };

function specs(flavor: Flavor): Record<string, Spec> {
  const common: Record<string, Spec> = {
    'std_msgs/Header': flavor === 'ros1' ? HEADER_1 : HEADER_2,
    'std_msgs/ColorRGBA': { fields: [['r', 'float32'], ['g', 'float32'], ['b', 'float32'], ['a', 'float32']] },
    'sensor_msgs/BatteryState': BATTERY,
    'geometry_msgs/Point': { fields: [['x', 'float64'], ['y', 'float64'], ['z', 'float64']] },
    'geometry_msgs/Vector3': { fields: [['x', 'float64'], ['y', 'float64'], ['z', 'float64']] },
    'geometry_msgs/Quaternion': { fields: [['x', 'float64'], ['y', 'float64'], ['z', 'float64'], ['w', 'float64']] },
    'geometry_msgs/Pose': { fields: [['position', 'geometry_msgs/Point'], ['orientation', 'geometry_msgs/Quaternion']] },
    'geometry_msgs/PoseStamped': POSE_STAMPED,
    'geometry_msgs/Twist': { fields: [['linear', 'geometry_msgs/Vector3'], ['angular', 'geometry_msgs/Vector3']] },
  };
  if (flavor === 'ros1') {
    return {
      ...common,
      'std_srvs/TriggerRequest': { fields: [] },
      'std_srvs/TriggerResponse': { fields: [['success', 'bool'], ['message', 'string']] },
      'move_base_msgs/MoveBaseGoal': { fields: [['target_pose', 'geometry_msgs/PoseStamped']] },
      'move_base_msgs/MoveBaseResult': { fields: [] },
      'move_base_msgs/MoveBaseFeedback': { fields: [['base_position', 'geometry_msgs/PoseStamped']] },
      // actionlib's wrappers, for the bridge's own type checks (rosapi is not asked about these).
      'actionlib_msgs/GoalID': { fields: [['stamp', 'time'], ['id', 'string']] },
      'actionlib_msgs/GoalStatus': { fields: [['goal_id', 'actionlib_msgs/GoalID'], ['status', 'uint8'], ['text', 'string']] },
      'actionlib_msgs/GoalStatusArray': { fields: [['header', 'std_msgs/Header'], ['status_list', 'actionlib_msgs/GoalStatus', 0]] },
      'move_base_msgs/MoveBaseActionGoal': { fields: [['header', 'std_msgs/Header'], ['goal_id', 'actionlib_msgs/GoalID'], ['goal', 'move_base_msgs/MoveBaseGoal']] },
      'move_base_msgs/MoveBaseActionResult': { fields: [['header', 'std_msgs/Header'], ['status', 'actionlib_msgs/GoalStatus'], ['result', 'move_base_msgs/MoveBaseResult']] },
      'move_base_msgs/MoveBaseActionFeedback': { fields: [['header', 'std_msgs/Header'], ['status', 'actionlib_msgs/GoalStatus'], ['feedback', 'move_base_msgs/MoveBaseFeedback']] },
    };
  }
  return {
    ...common,
    'builtin_interfaces/Time': { fields: [['sec', 'int32'], ['nanosec', 'uint32']] },
    'builtin_interfaces/Duration': { fields: [['sec', 'int32'], ['nanosec', 'uint32']] },
    'std_srvs/Trigger_Request': { fields: [] },
    'std_srvs/Trigger_Response': { fields: [['success', 'bool'], ['message', 'string']] },
    'nav2_msgs/NavigateToPose_Goal': { fields: [['pose', 'geometry_msgs/PoseStamped'], ['behavior_tree', 'string']] },
    'nav2_msgs/NavigateToPose_Result': {
      fields: [['error_code', 'uint16'], ['error_msg', 'string']],
      consts: [['NONE', '0'], ['NO_VALID_PATH', '9001'], ['TIMEOUT', '9002'], ['UNKNOWN', '9000']],
    },
    'nav2_msgs/NavigateToPose_Feedback': {
      fields: [
        ['current_pose', 'geometry_msgs/PoseStamped'],
        ['navigation_time', 'duration'],
        ['estimated_time_remaining', 'duration'],
        ['number_of_recoveries', 'int16'],
        ['distance_remaining', 'float32'],
      ],
    },
  };
}

const ROS2_SCALARS: Record<Neutral, string> = {
  float32: 'float',
  float64: 'double',
  bool: 'boolean',
  uint8: 'uint8',
  uint16: 'uint16',
  int16: 'int16',
  int32: 'int32',
  uint32: 'uint32',
  string: 'string',
  time: 'builtin_interfaces/Time',
  duration: 'builtin_interfaces/Duration',
};

const isScalar = (t: string): t is Neutral => t in ROS2_SCALARS;

export interface TypeDef {
  type: string;
  fieldnames: string[];
  fieldtypes: string[];
  fieldarraylen: number[];
  examples: string[];
  constnames: string[];
  constvalues: string[];
}

/** The rosapi view of the robot's types, for one ROS version. */
export class RosapiTypes {
  private readonly specs: Record<string, Spec>;

  constructor(readonly flavor: Flavor) {
    this.specs = specs(flavor);
  }

  private fieldType(t: string): string {
    if (!isScalar(t)) return t;
    return this.flavor === 'ros1' ? t : ROS2_SCALARS[t];
  }

  private example(t: string, len: number): string {
    if (len >= 0) return '[]';
    if (t === 'bool') return 'False';
    if (t === 'float32' || t === 'float64') return '0.0';
    if (t === 'string') return '';
    if (isScalar(t) && t !== 'time' && t !== 'duration') return '0';
    return '{}';
  }

  /** rosapi's get_typedef: null for a scalar (or an unknown type), the mocked-up typedef of ROS 1's time. */
  typedef(type: string): TypeDef | null {
    if (this.flavor === 'ros1' && (type === 'time' || type === 'duration')) {
      return { type, fieldnames: ['secs', 'nsecs'], fieldtypes: ['int32', 'int32'], fieldarraylen: [-1, -1], examples: ['0', '0'], constnames: [], constvalues: [] };
    }
    const key = type.replace(/\/(msg|srv|action)\//, '/');
    const spec = this.specs[key];
    if (!spec) return null;
    const fieldnames = spec.fields.map((f) => f[0]);
    const fieldtypes = spec.fields.map((f) => this.fieldType(f[1]));
    const fieldarraylen = spec.fields.map((f) => f[2] ?? -1);
    const examples = spec.fields.map((f) => this.example(f[1], f[2] ?? -1));
    const consts = spec.consts ?? [];
    if (this.flavor === 'ros1') {
      return { type: key, fieldnames, fieldtypes, fieldarraylen, examples, constnames: consts.map((c) => c[0]), constvalues: consts.map((c) => c[1]) };
    }
    // ROS 2: inspect.getmembers lists constants, SLOT_TYPES and the field properties, sorted by name.
    const members: [string, string][] = [...consts, ['SLOT_TYPES', '(<rosidl_parser.definition.BasicType object at 0x7f3a2c1d9e50>,)'], ...spec.fields.map((f, i) => [f[0], examples[i]!] as [string, string])];
    members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { type: key, fieldnames, fieldtypes, fieldarraylen, examples, constnames: members.map((m) => m[0]), constvalues: members.map((m) => m[1]) };
  }

  /** message_details: the type (counted as seen) and everything inside it, each once. */
  messageDetails(type: string): TypeDef[] {
    const defs = this.recursive(type, []);
    if (!defs.length) throw new Error(`Unable to load the message for ${type}`);
    return defs;
  }

  /** service_*_details and action_*_details: the part's typedef, then its contents (the part itself not counted as seen). */
  partDetails(partType: string): TypeDef[] {
    const def = this.typedef(partType);
    if (!def) throw new Error(`Unable to load ${partType}`);
    return this.sub(def, []);
  }

  private recursive(type: string, seen: string[]): TypeDef[] {
    if (seen.includes(type)) return [];
    seen.push(type);
    const def = this.typedef(type);
    return def ? this.sub(def, seen) : [];
  }

  private sub(def: TypeDef, seen: string[]): TypeDef[] {
    let out = [def];
    for (const t of def.fieldtypes) out = out.concat(this.recursive(t, seen));
    return out;
  }

  /** The bridge's own message definitions (what it checks advertise, subscribe and publish against). */
  bridgeDefs(): Record<string, MsgDef> {
    const field = (t: string, len: number): FieldType => {
      const one: FieldType = isScalar(t) ? (t === 'bool' ? 'bool' : t) : { msg: t };
      return len >= 0 ? { array: one, ...(len > 0 && { length: len }) } : one;
    };
    const out: Record<string, MsgDef> = {};
    for (const [type, spec] of Object.entries(this.specs)) {
      if (type.startsWith('builtin_interfaces/')) continue;
      const def = Object.fromEntries(spec.fields.map(([n, t, len]) => [n, field(t, len ?? -1)]));
      out[type] = def;
      // The test action server names an action's parts the ROS 1 way (NavigateToPoseGoal).
      const part = /^(.*)_(Goal|Result|Feedback)$/.exec(type);
      if (part) out[`${part[1]}${part[2]}`] = def;
    }
    return out;
  }
}

export interface InterfaceRobotOptions {
  flavor?: Flavor;
  /** Battery messages per second (0: none). */
  batteryHz?: number;
  /** How long a navigation goal takes, seconds. */
  navSeconds?: number;
  /** What the navigation server does with a goal. */
  navOutcome?: 'succeed' | 'abort' | 'reject';
}

/** The robot's declared-interface side on a test rosbridge: its nodes and rosapi's introspection of them. */
export class InterfaceRobot {
  readonly types: RosapiTypes;
  readonly light: { t: number; msg: any }[] = [];
  readonly twists: { t: number; msg: any }[] = [];
  readonly dockCalls: any[] = [];
  readonly cancels: { t: number; id: string }[] = [];
  battery = { percentage: 0.8, publishing: true };
  readonly nav: TestActionServer;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly opts: Required<InterfaceRobotOptions>;

  constructor(
    readonly bridge: RosbridgeTestServer,
    opts: InterfaceRobotOptions = {},
  ) {
    this.opts = { flavor: 'ros1', batteryHz: 20, navSeconds: 0.4, navOutcome: 'succeed', ...opts };
    this.types = new RosapiTypes(this.opts.flavor);
    const ros2 = this.opts.flavor === 'ros2';
    const msg = (t: string) => (ros2 ? t.replace('/', '/msg/') : t);
    bridge.extend({
      types: this.types.bridgeDefs(),
      topics: { '/light/color': msg('std_msgs/ColorRGBA'), '/battery_state': msg('sensor_msgs/BatteryState') },
      services: {
        '/dock': {
          type: ros2 ? 'std_srvs/srv/Trigger' : 'std_srvs/Trigger',
          call: (args) => {
            this.dockCalls.push(args);
            return { success: true, message: 'docked' };
          },
        },
        ...this.rosapi(),
        // ROS 2's action cancel service (hidden under the action's name); a zero goal id cancels every goal.
        ...(ros2 && {
          '/navigate_to_pose/_action/cancel_goal': {
            type: 'action_msgs/srv/CancelGoal',
            call: (args: any) => {
              const all = (args?.goal_info?.goal_id?.uuid ?? []).every((b: number) => b === 0);
              const canceling = this.nav.received.filter((g) => !g.finished && all);
              for (const g of canceling) {
                this.cancels.push({ t: bridge.elapsedMs(), id: g.id });
                g.canceled(this.result('canceled'));
              }
              return { return_code: 0, goals_canceling: [] };
            },
          },
        }),
      },
      onPublish: (topic, m) => {
        if (topic === '/light/color') this.light.push({ t: bridge.elapsedMs(), msg: m });
        if (topic === '/cmd_vel') this.twists.push({ t: bridge.elapsedMs(), msg: m });
      },
    });
    if (this.opts.batteryHz > 0) this.timers.push(setInterval(() => this.publishBattery(), 1000 / this.opts.batteryHz));
    this.nav = new TestActionServer(bridge, this.navName, ros2 ? 'nav2_msgs/NavigateToPose' : 'move_base_msgs/MoveBase', {
      onGoal: (g) => this.execute(g),
      onCancel: (g) => {
        this.cancels.push({ t: bridge.elapsedMs(), id: g.id });
        g.canceled(this.result('canceled'));
      },
    });
  }

  get navName(): string {
    return this.opts.flavor === 'ros2' ? '/navigate_to_pose' : '/move_base';
  }

  /** Every navigation goal received, in order. */
  get goals(): readonly ServerGoal[] {
    return this.nav.received;
  }

  /** rosapi's introspection services, as the robot's rosapi node answers them. */
  private rosapi(): Record<string, { type: string; call(args: any): unknown }> {
    const ros2 = this.opts.flavor === 'ros2';
    const b = this.bridge;
    const srv = (name: string) => (ros2 ? `rosapi_msgs/srv/${name}` : `rosapi/${name}`);
    const published = new Set(['/battery_state', '/odom', '/scan', `${this.navName}/status`, `${this.navName}/feedback`, `${this.navName}/result`]);
    const part = (p: 'Request' | 'Response') => ({ type }: { type: string }) => {
      const name = type.replace('/srv/', '/');
      return { typedefs: this.types.partDetails(ros2 ? `${name}_${p}` : `${name}${p}`) };
    };
    const out: Record<string, { type: string; call(args: any): unknown }> = {
      '/rosapi/topic_type': { type: srv('TopicType'), call: ({ topic }) => ({ type: b.topicTypeOf(topic) ?? '' }) },
      '/rosapi/publishers': { type: srv('Publishers'), call: ({ topic }) => ({ publishers: published.has(topic) ? ['/robot_node'] : ['/rosbridge_websocket'] }) },
      '/rosapi/message_details': { type: srv('MessageDetails'), call: ({ type }) => ({ typedefs: this.types.messageDetails(type) }) },
      '/rosapi/service_request_details': { type: srv('ServiceRequestDetails'), call: part('Request') },
      '/rosapi/service_response_details': { type: srv('ServiceResponseDetails'), call: part('Response') },
    };
    if (!ros2) return out;
    for (const p of ['Goal', 'Result', 'Feedback'] as const) {
      out[`/rosapi/action_${p.toLowerCase()}_details`] = {
        type: srv(`Action${p}Details`),
        call: ({ type }) => ({ typedefs: this.types.partDetails(`${type.replace('/action/', '/')}_${p}`) }),
      };
    }
    return out;
  }

  private header(frame = ''): unknown {
    const ms = Date.now();
    return this.opts.flavor === 'ros1'
      ? { seq: 0, stamp: { secs: Math.floor(ms / 1000), nsecs: (ms % 1000) * 1e6 }, frame_id: frame }
      : { stamp: { sec: Math.floor(ms / 1000), nanosec: (ms % 1000) * 1e6 }, frame_id: frame };
  }

  private publishBattery(): void {
    if (!this.battery.publishing) return;
    this.bridge.publish('/battery_state', {
      header: this.header('battery'),
      voltage: 12.1,
      percentage: this.battery.percentage,
      power_supply_status: 2,
      present: true,
      cell_voltage: [4.03, 4.04, 4.03],
    });
  }

  private result(how: 'succeeded' | 'aborted' | 'canceled'): object {
    if (this.opts.flavor === 'ros1') return {};
    return how === 'aborted' ? { error_code: 9001, error_msg: 'no valid path' } : { error_code: 0, error_msg: '' };
  }

  /** A goal runs over navSeconds, with feedback every 50 ms while the pose moves toward the target. */
  private execute(g: ServerGoal): void {
    if (this.opts.navOutcome === 'reject') return g.reject();
    g.accept();
    const ros2 = this.opts.flavor === 'ros2';
    const target = (ros2 ? g.goal.pose : g.goal.target_pose)?.pose?.position ?? { x: 0, y: 0 };
    const started = performance.now();
    const tick = () => {
      if (g.finished) return;
      const f = Math.min(1, (performance.now() - started) / (this.opts.navSeconds * 1000));
      const x = (target.x ?? 0) * f;
      const y = (target.y ?? 0) * f;
      const pose = { header: this.header('map'), pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
      const remaining = Math.hypot((target.x ?? 0) - x, (target.y ?? 0) - y);
      g.feedback(ros2 ? { current_pose: pose, number_of_recoveries: 0, distance_remaining: remaining } : { base_position: pose });
      if (f < 1) return void this.timers.push(setTimeout(tick, 50));
      if (this.opts.navOutcome === 'abort') g.abort(this.result('aborted'), 'no valid path');
      else g.succeed(this.result('succeeded'));
    };
    this.timers.push(setTimeout(tick, 20));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.nav.close();
  }
}
