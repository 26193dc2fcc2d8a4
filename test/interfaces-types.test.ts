import { describe, expect, it } from 'vitest';
import { parseArgs } from '../primitives/define.ts';
import { apiText, generateDts, primitivesFor } from '../primitives/index.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { WandError } from '../src/core/errors.ts';
import { parseRobotConfig } from '../src/ros/config.ts';
import { offlineSpecs, robotSpecs, withInterfaces } from '../src/ros/interfaces/build.ts';
import { introspect, type RosapiCall } from '../src/ros/interfaces/introspect.ts';
import { goalPoints, isNavigation, knownMotion } from '../src/ros/interfaces/motion.ts';
import { MessageSchemas, TypeNamer, parsePath } from '../src/ros/interfaces/schema.ts';
import { actionFromGoalTopicType, actionPartType, displayName, sameType, typeKey } from '../src/ros/interfaces/type-names.ts';
import { TypeIndex, constantsOf } from '../src/ros/interfaces/typedefs.ts';
import { RosapiTypes } from './helpers/robot-interfaces.ts';
import type { Flavor } from './helpers/rosbridge-server.ts';

// Declared interfaces without a network: rosapi's answers (as a real rosapi gives them) to schemas,
// TypeScript declarations, validation, and the config contract.

const mobile = primitivesFor('mobile');

/** rosapi as the test robot's, called directly. */
function rosapi(flavor: Flavor): RosapiCall {
  const types = new RosapiTypes(flavor);
  const ros2 = flavor === 'ros2';
  const topics: Record<string, string> = ros2
    ? { '/light/color': 'std_msgs/msg/ColorRGBA', '/battery_state': 'sensor_msgs/msg/BatteryState', '/cmd_vel': 'geometry_msgs/msg/Twist' }
    : { '/light/color': 'std_msgs/ColorRGBA', '/battery_state': 'sensor_msgs/BatteryState', '/cmd_vel': 'geometry_msgs/Twist', '/move_base/goal': 'move_base_msgs/MoveBaseActionGoal' };
  return async (service, args) => {
    switch (service) {
      case 'topic_type':
        return { type: topics[args.topic as string] ?? '' };
      case 'service_type':
        return { type: args.service === '/dock' ? (ros2 ? 'std_srvs/srv/Trigger' : 'std_srvs/Trigger') : '' };
      case 'message_details':
        return { typedefs: types.messageDetails(args.type as string) };
      case 'service_request_details':
      case 'service_response_details': {
        const part = service === 'service_request_details' ? 'Request' : 'Response';
        const name = (args.type as string).replace('/srv/', '/');
        return { typedefs: types.partDetails(ros2 ? `${name}_${part}` : `${name}${part}`) };
      }
      case 'action_type':
        if (!ros2) throw new Error('Service /rosapi/action_type does not exist');
        return { type: args.action === '/navigate_to_pose' ? 'nav2_msgs/action/NavigateToPose' : '' };
      case 'action_goal_details':
      case 'action_result_details':
      case 'action_feedback_details': {
        if (!ros2) throw new Error(`Service /rosapi/${service} does not exist`);
        const part = { action_goal_details: 'Goal', action_result_details: 'Result', action_feedback_details: 'Feedback' }[service];
        return { typedefs: types.partDetails(`${(args.type as string).replace('/action/', '/')}_${part}`) };
      }
      default:
        throw new Error(`Service /rosapi/${service} does not exist`);
    }
  };
}

const navEntryFor = (flavor: Flavor) => ({ primitive: 'navigateTo', action: flavor === 'ros2' ? '/navigate_to_pose' : '/move_base', doc: 'Navigate to a pose.', timeoutS: 120 });

const ENTRIES = (flavor: Flavor) => [
  { primitive: 'dock', service: '/dock', doc: 'Drive onto the charging dock.' },
  { primitive: 'setLight', topic: '/light/color', doc: 'Set the status light.', maxRateHz: 2 },
  navEntryFor(flavor),
  { primitive: 'batteryLevel', read: '/battery_state', field: 'percentage', doc: 'Battery charge, 0..1.' },
];

async function robotPrimitives(flavor: Flavor, entries: object[] = ENTRIES(flavor)) {
  const config = parseRobotConfig({ interfaces: entries });
  const resolved = await introspect(rosapi(flavor), config.interfaces, flavor === 'ros2' ? 2 : 1);
  const specs = robotSpecs(resolved, mobile);
  return { resolved, specs, primitives: withInterfaces(mobile, specs) };
}

const byName = (prims: { name: string }[], name: string) => prims.find((p) => p.name === name)! as Parameters<typeof parseArgs>[0];

describe('ROS type names', () => {
  it('reads ROS 1 and ROS 2 spellings as one type', () => {
    expect(typeKey('std_msgs/msg/ColorRGBA')).toBe('std_msgs/ColorRGBA');
    expect(sameType('std_srvs/srv/Trigger', 'std_srvs/Trigger')).toBe(true);
    expect(sameType('nav2_msgs/action/NavigateToPose', 'nav2_msgs/NavigateToPose')).toBe(true);
    expect(sameType('std_msgs/ColorRGBA', 'std_msgs/String')).toBe(false);
    expect(actionFromGoalTopicType('move_base_msgs/MoveBaseActionGoal')).toBe('move_base_msgs/MoveBase');
    expect(actionFromGoalTopicType('geometry_msgs/PoseStamped')).toBeNull();
    expect(actionPartType('move_base_msgs/MoveBase', 'Goal', 1)).toBe('move_base_msgs/MoveBaseGoal');
    expect(actionPartType('nav2_msgs/action/NavigateToPose', 'Feedback', 2)).toBe('nav2_msgs/action/NavigateToPose_Feedback');
    expect(displayName('std_srvs/Trigger_Request')).toBe('TriggerRequest');
    expect(displayName('time')).toBe('Time');
  });

  it('parses field paths', () => {
    expect(parsePath('pose.pose.position.x')).toEqual(['pose', 'pose', 'position', 'x']);
    expect(parsePath('cell_voltage[2]')).toEqual(['cell_voltage', 2]);
    expect(parsePath('cell_voltage.2')).toEqual(['cell_voltage', 2]);
    expect(() => parsePath('a..b')).toThrow(/field path/);
  });
});

describe('rosapi typedefs to schemas', () => {
  it.each(['ros1', 'ros2'] as const)('%s: BatteryState becomes a strict schema with its nested types, constants and defaults', (flavor) => {
    const types = new RosapiTypes(flavor);
    const index = new TypeIndex(types.messageDetails(flavor === 'ros2' ? 'sensor_msgs/msg/BatteryState' : 'sensor_msgs/BatteryState'));
    const schemas = new MessageSchemas(index, new TypeNamer(['Pose']));
    const battery = schemas.message('sensor_msgs/BatteryState');
    expect(battery.safeParse({ percentage: 0.5, cell_voltage: [4, 4.1], header: { frame_id: 'b' } }).success).toBe(true);
    expect(battery.safeParse({ percentage: 'half' }).success).toBe(false);
    expect(battery.safeParse({ percent: 0.5 }).success).toBe(false); // a field the type lacks
    expect(battery.safeParse({ power_supply_status: 300 }).success).toBe(false); // uint8
    expect(battery.safeParse({ power_supply_status: 1.5 }).success).toBe(false);
    const stamp = flavor === 'ros1' ? { secs: 0, nsecs: 0 } : { sec: 0, nanosec: 0 };
    expect(schemas.defaults('sensor_msgs/BatteryState')).toMatchObject({ percentage: 0, present: false, cell_voltage: [], location: '', header: { stamp, frame_id: '' } });
    // Only the real constants: ROS 2's rosapi also lists SLOT_TYPES and every field there.
    const consts = constantsOf(index.get('sensor_msgs/BatteryState')!).map((c) => c.name);
    expect(consts).toContain('POWER_SUPPLY_STATUS_CHARGING');
    expect(consts).not.toContain('SLOT_TYPES');
    expect(consts).not.toContain('percentage');
    const dts = generateDts([{ ...mobile[0]!, name: 'probe', params: { b: battery }, returns: battery } as never]);
    expect(dts).toMatch(/type BatteryState = \{ header\?: Header; voltage\?: number;/);
    expect(dts).toContain(flavor === 'ros1' ? 'type Time = { secs?: number; nsecs?: number }' : 'type Time = { sec?: number; nanosec?: number }');
    expect(dts).toContain('POWER_SUPPLY_STATUS_CHARGING = 1');
  });

  it('names a generated type apart from a built-in one and from standard types', () => {
    const namer = new TypeNamer(['Pose', 'Point']);
    expect(namer.idFor('geometry_msgs/Pose')).toBe('RosPose');
    expect(namer.idFor('geometry_msgs/msg/Pose')).toBe('RosPose');
    expect(namer.idFor('std_msgs/String')).toBe('RosString');
    expect(namer.idFor('other_msgs/Pose')).toBe('OtherMsgsPose');
    expect(namer.idFor('std_msgs/ColorRGBA')).toBe('ColorRGBA');
  });
});

describe('declared interfaces as primitives', () => {
  it.each(['ros1', 'ros2'] as const)('%s: the generated declarations and API text list them like built-ins', async (flavor) => {
    const { primitives, resolved } = await robotPrimitives(flavor);
    const nav = resolved.find((r) => r.entry.kind === 'action')!;
    expect(nav.ros).toBe(flavor === 'ros2' ? 2 : 1);
    expect(nav.type).toBe(flavor === 'ros2' ? 'nav2_msgs/action/NavigateToPose' : 'move_base_msgs/MoveBase');
    const dts = generateDts(primitives);
    const api = apiText(primitives);
    expect(dts).toContain('declare function dock(): TriggerResponse;');
    expect(dts).toContain('declare function setLight(message: ColorRGBA): void;');
    expect(dts).toContain('declare function batteryLevel(): { value: number; ageS: number };');
    expect(dts).toContain('type ColorRGBA = { r?: number; g?: number; b?: number; a?: number };');
    // The built-in Pose keeps its name; geometry_msgs/Pose gets another.
    expect(dts).toContain('type Pose = { x: number; y: number; yaw: number };');
    expect(dts).toContain('type RosPose = { position?: Point; orientation?: Quaternion };');
    if (flavor === 'ros2') {
      expect(dts).toContain('declare function navigateTo(goal: NavigateToPoseGoal): NavigateToPoseResult;');
      expect(api).toContain('[action /navigate_to_pose nav2_msgs/action/NavigateToPose; waits for the result at most 120 s; moves the robot]');
      expect(api).toContain('[service /dock std_srvs/srv/Trigger; timeout 10 s]');
    } else {
      expect(dts).toContain('declare function navigateTo(goal: MoveBaseGoal): void;');
      expect(api).toContain('[action /move_base move_base_msgs/MoveBase; waits for the result at most 120 s; moves the robot]');
      expect(api).toContain('[service /dock std_srvs/Trigger; timeout 10 s]');
    }
    expect(api).toMatch(/^setLight\(message: ColorRGBA\): void \/\/ Set the status light\. \[topic \/light\/color std_msgs\/(msg\/)?ColorRGBA; at most 2 per second\]$/m);
    expect(api).toMatch(/^batteryLevel\(\): \{ value: number; ageS: number \} \/\/ Battery charge, 0\.\.1\. \[read \/battery_state .*an error if older than 5 s\]$/m);

    // Programs are type-checked against them before anything moves.
    const checker = new ProgramChecker(dts);
    expect((await checker.check('setLight({ r: 1, a: 1 });\nconst b = batteryLevel();\nif (b.value < 0.2) dock();')).ok).toBe(true);
    const bad = await checker.check('setLight({ red: 1 });');
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]!.message).toMatch(/red/);
    expect((await checker.check('dock("now");')).ok).toBe(false);
    expect((await checker.check('publish("/cmd_vel", {});')).ok).toBe(false); // nothing undeclared exists
  });

  it('validates arguments with messages naming the field', async () => {
    const { primitives } = await robotPrimitives('ros2');
    const setLight = byName(primitives, 'setLight');
    expect(parseArgs(setLight, [{ r: 1 }])).toEqual({ message: { r: 1 } });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as WandError;
      }
      throw new Error('expected an error');
    };
    const wrongType = err(() => parseArgs(setLight, [{ r: 'red' }]));
    expect(wrongType.kind).toBe('validation');
    expect(wrongType.message).toMatch(/setLight\(message\): bad argument 'message' \(field r\): expected .*number.*got the string "red"/);
    const unknownField = err(() => parseArgs(setLight, [{ red: 1 }]));
    expect(unknownField.message).toMatch(/setLight\(message\): bad argument 'message'/);
    expect(err(() => parseArgs(setLight, [])).message).toMatch(/bad argument 'message'/);
    expect(err(() => parseArgs(byName(primitives, 'dock'), [{}])).message).toMatch(/dock\(\) takes 0 arguments, got 1/);
    const nav = byName(primitives, 'navigateTo');
    expect(err(() => parseArgs(nav, [{ pose: { pose: { position: { x: 'far' } } } }])).message).toMatch(/field pose\.pose\.position\.x/);
  });

  it('refuses names that collide with built-ins, console or JS globals, and misspelt keys', () => {
    const bad = (entry: object) => () => parseRobotConfig({ interfaces: [entry] });
    expect(bad({ primitive: 'drive', service: '/dock' })).toThrow(/interfaces\[0\] \("drive"\)\.primitive: "drive" cannot be a primitive name: it is a built-in primitive/);
    expect(bad({ primitive: 'pick', service: '/dock' })).toThrow(/built-in primitive/); // a tabletop one, too
    expect(bad({ primitive: 'console', service: '/dock' })).toThrow(/JavaScript or host global/);
    expect(bad({ primitive: 'JSON', service: '/dock' })).toThrow(/JavaScript or host global/);
    expect(bad({ primitive: 'delete', service: '/dock' })).toThrow(/reserved word/);
    expect(bad({ primitive: 'go-home', service: '/dock' })).toThrow(/not a JavaScript identifier/);
    expect(bad({ primitive: 'dock', service: '/dock', timeoutSec: 3 })).toThrow(/interfaces\[0\] \("dock"\): Unrecognized key: "timeoutSec"/);
    expect(bad({ primitive: 'dock', service: '/dock', maxRateHz: 3 })).toThrow(/interfaces\[0\] \("dock"\)\.maxRateHz: maxRateHz is for topic entries, not a service/);
    expect(bad({ primitive: 'dock', service: '/dock', topic: '/dock' })).toThrow(/give one of service, topic, action or read, not service and topic/);
    expect(bad({ primitive: 'light', topic: '/light', maxRateHz: 0 })).toThrow(/interfaces\[0\] \("light"\)\.maxRateHz/);
    expect(() => parseRobotConfig({ interfaces: [{ primitive: 'a', service: '/a' }, { primitive: 'a', topic: '/b' }] })).toThrow(
      /interfaces\[1\] \("a"\)\.primitive: "a" is already the name of interfaces\[0\]/,
    );
    expect(() => parseRobotConfig({ unrehearsed: 'yes' })).toThrow(/unrehearsed/);
    const ok = parseRobotConfig({ interfaces: [{ primitive: 'light', topic: '/light' }, { primitive: 'nav', action: '/nav' }, { primitive: 'b', read: '/b' }] });
    expect(ok.interfaces).toEqual([
      { kind: 'topic', primitive: 'light', name: '/light', maxRateHz: 10 },
      { kind: 'action', primitive: 'nav', name: '/nav', timeoutS: 60 },
      { kind: 'read', primitive: 'b', name: '/b', maxAgeS: 5 },
    ]);
    expect(ok.unrehearsed).toBe('approve');
  });

  it('knows the types that move the robot, and refuses "motion": false for them', async () => {
    const { specs } = await robotPrimitives('ros1', [
      { primitive: 'nav', action: '/move_base' },
      { primitive: 'vel', topic: '/cmd_vel' },
      { primitive: 'light', topic: '/light/color' },
      { primitive: 'dock', service: '/dock', motion: true },
    ]);
    expect(Object.fromEntries(specs.map((s) => [s.primitive, s.motion]))).toEqual({ nav: true, vel: true, light: false, dock: true });
    await expect(robotPrimitives('ros1', [{ primitive: 'vel', topic: '/cmd_vel', motion: false }])).rejects.toThrow(/"motion": false is not possible for geometry_msgs\/Twist/);
  });

  it('says what is wrong when the robot does not have a declared interface or disagrees on its type', async () => {
    await expect(robotPrimitives('ros1', [{ primitive: 'charge', service: '/charge' }])).rejects.toThrow(/charge \(service \/charge\): the robot has no service \/charge/);
    await expect(robotPrimitives('ros1', [{ primitive: 'horn', topic: '/horn' }])).rejects.toThrow(/nothing on the robot publishes or subscribes to \/horn.*give "type"/);
    await expect(robotPrimitives('ros1', [{ primitive: 'light', topic: '/light/color', type: 'std_msgs/ColorRGB' }])).rejects.toThrow(
      /reports the type std_msgs\/ColorRGBA, but the config says std_msgs\/ColorRGB/,
    );
    await expect(robotPrimitives('ros2', [{ primitive: 'nav', action: '/nowhere' }])).rejects.toThrow(/no action server at \/nowhere/);
    await expect(robotPrimitives('ros1', [{ primitive: 'level', read: '/battery_state', field: 'percent' }])).rejects.toThrow(
      /field "percent": sensor_msgs\/BatteryState has no field "percent" \(fields: header, voltage/,
    );
    // A declared type is trusted for a topic nobody uses yet.
    const { specs } = await robotPrimitives('ros2', [{ primitive: 'horn', topic: '/horn', type: 'std_msgs/msg/ColorRGBA' }]);
    expect(specs[0]!.type).toBe('std_msgs/msg/ColorRGBA');
    // A ROS 2 rosapi too old to describe actions says so (its message_details cannot load an action's parts either).
    const old: RosapiCall = (service, args) =>
      (service.startsWith('action_') && service.endsWith('_details')) || String(args.type).includes('/action/')
        ? Promise.reject(new Error('does not exist'))
        : rosapi('ros2')(service, args);
    const entries = parseRobotConfig({ interfaces: [navEntryFor('ros2')] }).interfaces;
    await expect(introspect(old, entries, 2)).rejects.toThrow(/describing ROS 2 actions needs rosapi's action_goal_details/);
  });

  it('without a robot (the simulator with --config) takes any plain object and answers stand-in replies', () => {
    const config = parseRobotConfig({ interfaces: ENTRIES('ros1') });
    const prims = withInterfaces(mobile, offlineSpecs(config.interfaces));
    const dts = generateDts(prims);
    expect(dts).toContain('declare function dock(request?: Record<string, unknown>): unknown;');
    expect(dts).toContain('declare function setLight(message: Record<string, unknown>): void;');
    expect(dts).toContain('declare function batteryLevel(): { value: unknown; ageS: number };');
  });
});

describe('navigation goals the geofence reads', () => {
  it('finds every pose in the goal fields that hold poses, with their frames; a pose left out is the origin', () => {
    const stamped = (x: number, y: number, frame = 'map') => ({ header: { frame_id: frame }, pose: { position: { x, y, z: 0 } } });
    expect(goalPoints({ pose: stamped(1, 2), behavior_tree: '' }, ['pose'])).toEqual([{ x: 1, y: 2, frame: 'map' }]);
    expect(goalPoints({ poses: [stamped(1, 0), stamped(2, 0, 'odom')] }, ['poses'])).toEqual([
      { x: 1, y: 0, frame: 'map' },
      { x: 2, y: 0, frame: 'odom' },
    ]);
    // nav_msgs/Path: a pose without a header of its own is in the path's frame.
    expect(goalPoints({ path: { header: { frame_id: 'map' }, poses: [{ pose: { position: { x: 3, y: 1 } } }] } }, ['path'])).toEqual([{ x: 3, y: 1, frame: 'map' }]);
    expect(goalPoints({ behavior_tree: '' }, ['pose'])).toEqual([{ x: 0, y: 0, frame: '' }]);
    expect(goalPoints(stamped(4, 4), 'self')).toEqual([{ x: 4, y: 4, frame: 'map' }]);
  });

  it('tells navigation and motion types from the rest', () => {
    expect(knownMotion('action', 'nav2_msgs/action/NavigateToPose', '/navigate_to_pose')).toBe(true);
    expect(knownMotion('action', 'control_msgs/FollowJointTrajectory', '/arm/follow_joint_trajectory')).toBe(true);
    expect(knownMotion('action', 'nav2_msgs/action/ComputePathToPose', '/compute_path_to_pose')).toBe(false);
    expect(knownMotion('topic', 'geometry_msgs/msg/Twist', '/cmd_vel')).toBe(true);
    expect(knownMotion('topic', 'geometry_msgs/PoseStamped', '/goal_pose')).toBe(true);
    expect(knownMotion('topic', 'geometry_msgs/PoseStamped', '/tag_pose')).toBe(false);
    expect(knownMotion('topic', 'std_msgs/ColorRGBA', '/light')).toBe(false);
    expect(isNavigation('action', 'move_base_msgs/MoveBase', '/move_base')).toBe(true);
    expect(isNavigation('action', 'control_msgs/FollowJointTrajectory', '/arm')).toBe(false);
  });
});
