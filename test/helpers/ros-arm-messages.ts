import type { Flavor, MsgDef } from './rosbridge-server.ts';

// The message definitions a ROS arm's rosbridge knows, as the test bridge checks them (unknown fields and
// wrong types fail). ROS 1 noetic and ROS 2 humble differ where the real ones do: the header's seq, the
// goal's extra ROS 2 fields, and vision_msgs' hypothesis (an int64 `id` on noetic, `hypothesis.class_id` on ROS 2).

const f64 = 'float64' as const;
const arrayOf = (array: MsgDef[string]) => ({ array });
const msg = (name: string) => ({ msg: name });

export function armTypes(flavor: Flavor): Record<string, MsgDef> {
  const ros2 = flavor === 'ros2';
  const defs: Record<string, MsgDef> = {
    'sensor_msgs/JointState': { header: msg('std_msgs/Header'), name: arrayOf('string'), position: arrayOf(f64), velocity: arrayOf(f64), effort: arrayOf(f64) },
    'actionlib_msgs/GoalID': { stamp: 'time', id: 'string' },
    'actionlib_msgs/GoalStatus': { goal_id: msg('actionlib_msgs/GoalID'), status: 'uint8', text: 'string' },
    'actionlib_msgs/GoalStatusArray': { header: msg('std_msgs/Header'), status_list: arrayOf(msg('actionlib_msgs/GoalStatus')) },
    'trajectory_msgs/JointTrajectoryPoint': {
      positions: arrayOf(f64),
      velocities: arrayOf(f64),
      accelerations: arrayOf(f64),
      effort: arrayOf(f64),
      time_from_start: 'duration',
    },
    'trajectory_msgs/JointTrajectory': { header: msg('std_msgs/Header'), joint_names: arrayOf('string'), points: arrayOf(msg('trajectory_msgs/JointTrajectoryPoint')) },
    'trajectory_msgs/MultiDOFJointTrajectory': { header: msg('std_msgs/Header'), joint_names: arrayOf('string'), points: arrayOf('float64') },
    'control_msgs/JointTolerance': { name: 'string', position: f64, velocity: f64, acceleration: f64 },
    'control_msgs/JointComponentTolerance': { joint_name: 'string', component: 'uint32', position: f64, velocity: f64, acceleration: f64 },
    'control_msgs/FollowJointTrajectoryGoal': {
      trajectory: msg('trajectory_msgs/JointTrajectory'),
      ...(ros2 ? { multi_dof_trajectory: msg('trajectory_msgs/MultiDOFJointTrajectory') } : {}),
      path_tolerance: arrayOf(msg('control_msgs/JointTolerance')),
      ...(ros2 ? { component_path_tolerance: arrayOf(msg('control_msgs/JointComponentTolerance')) } : {}),
      goal_tolerance: arrayOf(msg('control_msgs/JointTolerance')),
      ...(ros2 ? { component_goal_tolerance: arrayOf(msg('control_msgs/JointComponentTolerance')) } : {}),
      goal_time_tolerance: 'duration',
    },
    'control_msgs/FollowJointTrajectoryResult': { error_code: 'int32', error_string: 'string' },
    'control_msgs/FollowJointTrajectoryFeedback': {
      header: msg('std_msgs/Header'),
      joint_names: arrayOf('string'),
      desired: msg('trajectory_msgs/JointTrajectoryPoint'),
      actual: msg('trajectory_msgs/JointTrajectoryPoint'),
      error: msg('trajectory_msgs/JointTrajectoryPoint'),
    },
    'control_msgs/GripperCommand': { position: f64, max_effort: f64 },
    'control_msgs/GripperCommandGoal': { command: msg('control_msgs/GripperCommand') },
    'control_msgs/GripperCommandResult': { position: f64, effort: f64, stalled: 'bool', reached_goal: 'bool' },
    'control_msgs/GripperCommandFeedback': { position: f64, effort: f64, stalled: 'bool', reached_goal: 'bool' },
    'geometry_msgs/PoseWithCovariance': { pose: msg('geometry_msgs/Pose'), covariance: { array: f64, length: 36 } },
    'vision_msgs/ObjectHypothesis': { class_id: 'string', score: f64 },
    'vision_msgs/ObjectHypothesisWithPose': ros2
      ? { hypothesis: msg('vision_msgs/ObjectHypothesis'), pose: msg('geometry_msgs/PoseWithCovariance') }
      : { id: 'int64', score: f64, pose: msg('geometry_msgs/PoseWithCovariance') },
    'vision_msgs/BoundingBox3D': { center: msg('geometry_msgs/Pose'), size: msg('geometry_msgs/Vector3') },
    'vision_msgs/Detection3D': {
      header: msg('std_msgs/Header'),
      results: arrayOf(msg('vision_msgs/ObjectHypothesisWithPose')),
      bbox: msg('vision_msgs/BoundingBox3D'),
      ...(ros2 ? { id: 'string' as const } : {}),
    },
    'vision_msgs/Detection3DArray': { header: msg('std_msgs/Header'), detections: arrayOf(msg('vision_msgs/Detection3D')) },
  };
  // actionlib's wrappers (ROS 1 topics); ROS 2 actions use the bare goal/result/feedback types.
  for (const action of ['control_msgs/FollowJointTrajectory', 'control_msgs/GripperCommand']) {
    defs[`${action}ActionGoal`] = { header: msg('std_msgs/Header'), goal_id: msg('actionlib_msgs/GoalID'), goal: msg(`${action}Goal`) };
    defs[`${action}ActionResult`] = { header: msg('std_msgs/Header'), status: msg('actionlib_msgs/GoalStatus'), result: msg(`${action}Result`) };
    defs[`${action}ActionFeedback`] = { header: msg('std_msgs/Header'), status: msg('actionlib_msgs/GoalStatus'), feedback: msg(`${action}Feedback`) };
  }
  return defs;
}
