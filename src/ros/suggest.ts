import type { NamedType, RobotInterfaces } from './rosapi.ts';

// A starting config for each robot profile, from what rosapi lists: the interfaces of the right types
// (conventional names first). What could not be found is said, not guessed. Each profile has its own
// suggester in SUGGESTERS, so further ones (a robot's named interfaces) are one more entry.

export interface Suggestion {
  /** A config file's content for the profile (only what was found, plus what the profile needs). */
  config: Record<string, unknown>;
  /** What the robot does not seem to offer, in words. */
  missing: string[];
}

/** ROS 1 and ROS 2 spellings of a type: pkg/Name, pkg/msg/Name, pkg/action/Name. */
const isType = (type: string, pkg: string, name: string) => new RegExp(`^${pkg}/(?:msg/|action/)?${name}$`).test(type);

/** The entry of one of the types, preferring the conventional name, then the shortest. */
function pick(items: readonly NamedType[], types: [string, string][], prefer: RegExp[] = []): NamedType | undefined {
  const found = items.filter((i) => types.some(([pkg, name]) => isType(i.type, pkg, name)));
  for (const p of prefer) {
    const hit = found.find((i) => p.test(i.name));
    if (hit) return hit;
  }
  return [...found].sort((a, b) => a.name.length - b.name.length || a.name.localeCompare(b.name))[0];
}

/** Actions by type, or (when rosapi could not say the type) by the conventional name. */
function pickAction(r: RobotInterfaces, type: [string, string], byName: RegExp, prefer: RegExp[] = []): NamedType | undefined {
  return pick(r.actions, [type], prefer) ?? r.actions.find((a) => !a.type && byName.test(a.name));
}

export function suggestArm(r: RobotInterfaces): Suggestion {
  const missing: string[] = [];
  const joints = pick(r.topics, [['sensor_msgs', 'JointState']], [/^\/joint_states$/]);
  const trajectory = pickAction(r, ['control_msgs', 'FollowJointTrajectory'], /follow_joint_trajectory$/, [/arm|manipulator/, /follow_joint_trajectory$/]);
  const gripper = pickAction(r, ['control_msgs', 'GripperCommand'], /gripper/, [/gripper/]);
  const detections = pick(r.topics, [['vision_msgs', 'Detection3DArray']], [/detect/]);
  if (!joints) missing.push('no sensor_msgs/JointState topic (the arm driver publishes /joint_states)');
  if (!trajectory) missing.push('no control_msgs/FollowJointTrajectory action (a ros_control joint trajectory controller)');
  if (!gripper) missing.push('no control_msgs/GripperCommand action (a gripper action server)');
  if (!detections) missing.push('no vision_msgs/Detection3DArray topic: give fixtured objects as {"scene": "scene.json"} instead');
  const config: Record<string, unknown> = {
    profile: 'arm',
    robotDescription: r.version === 1 ? '/robot_description' : '/robot_state_publisher:robot_description',
    ...(joints ? { jointStates: joints.name } : {}),
    ...(trajectory ? { trajectory: { action: trajectory.name } } : {}),
    ...(gripper ? { gripper: { action: gripper.name } } : {}),
    objects: detections ? { topic: detections.name, type: detections.type.includes('/msg/') ? 'vision_msgs/msg/Detection3DArray' : 'vision_msgs/Detection3DArray', names: {} } : { scene: 'scene.json' },
    rosVersion: r.version,
  };
  return { config, missing };
}

export function suggestMobile(r: RobotInterfaces): Suggestion {
  const missing: string[] = [];
  const cmd = pick(r.topics, [['geometry_msgs', 'Twist'], ['geometry_msgs', 'TwistStamped']], [/^\/cmd_vel$/, /cmd_vel/]);
  const odom = pick(r.topics, [['nav_msgs', 'Odometry']], [/^\/odom$/, /odom/]);
  const scan = pick(r.topics, [['sensor_msgs', 'LaserScan']], [/^\/scan$/, /scan/]);
  if (!cmd) missing.push('no geometry_msgs/Twist topic that the base listens on (usually /cmd_vel; rosapi lists it once something subscribes)');
  if (!odom) missing.push('no nav_msgs/Odometry topic');
  const topics: Record<string, unknown> = {};
  if (cmd) topics.cmdVel = { name: cmd.name, type: cmd.type };
  if (odom) topics.odom = { name: odom.name, type: odom.type };
  topics.scan = scan ? { name: scan.name, type: scan.type } : null;
  return { config: { profile: 'mobile', topics }, missing };
}

export const SUGGESTERS: Record<string, (r: RobotInterfaces) => Suggestion> = {
  arm: suggestArm,
  mobile: suggestMobile,
};

export function suggestConfigs(r: RobotInterfaces): Record<string, Suggestion> {
  return Object.fromEntries(Object.entries(SUGGESTERS).map(([profile, suggest]) => [profile, suggest(r)]));
}
