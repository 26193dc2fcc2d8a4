// ROS type names as the two ROS versions spell them. ROS 1: `std_msgs/ColorRGBA`, `std_srvs/Trigger`,
// `move_base_msgs/MoveBase` (an action is five topics typed `…ActionGoal`, `…ActionFeedback`, …).
// ROS 2: `std_msgs/msg/ColorRGBA`, `std_srvs/srv/Trigger`, `nav2_msgs/action/NavigateToPose`; rosapi's
// typedefs drop the middle part (`std_msgs/ColorRGBA`, `std_srvs/Trigger_Request`,
// `nav2_msgs/NavigateToPose_Goal`). rosbridge accepts either spelling of a message type on either ROS.

export interface TypeName {
  pkg: string;
  /** msg, srv or action when the name says so (ROS 2), undefined for a ROS 1 name. */
  kind?: 'msg' | 'srv' | 'action';
  name: string;
}

const NAME = /^([A-Za-z][\w]*)\/(?:(msg|srv|action)\/)?([A-Za-z][\w]*)$/;

export function parseTypeName(type: string): TypeName | null {
  const m = NAME.exec(type.trim());
  if (!m) return null;
  return { pkg: m[1]!, kind: m[2] as TypeName['kind'], name: m[3]! };
}

/** One key for both spellings: `pkg/Name`. ROS 1's `time` and `duration` stay as they are. */
export function typeKey(type: string): string {
  const t = parseTypeName(type);
  return t ? `${t.pkg}/${t.name}` : type.trim();
}

export const sameType = (a: string, b: string) => typeKey(a) === typeKey(b);

/** The ROS 1 action behind its goal topic's type: `move_base_msgs/MoveBaseActionGoal` → `move_base_msgs/MoveBase`. */
export function actionFromGoalTopicType(type: string): string | null {
  const t = parseTypeName(type);
  if (!t || !t.name.endsWith('ActionGoal') || t.name === 'ActionGoal') return null;
  return `${t.pkg}/${t.name.slice(0, -'ActionGoal'.length)}`;
}

/** The ROS 2 action behind a hidden action topic's type: `nav2_msgs/action/NavigateToPose_FeedbackMessage`. */
export function actionFromFeedbackTopicType(type: string): string | null {
  const t = parseTypeName(type);
  if (!t || !t.name.endsWith('_FeedbackMessage')) return null;
  return `${t.pkg}/action/${t.name.slice(0, -'_FeedbackMessage'.length)}`;
}

/** The message types of an action's parts, in the spelling rosapi's message_details understands. */
export function actionPartType(action: string, part: 'Goal' | 'Result' | 'Feedback', ros: 1 | 2): string {
  const t = parseTypeName(action)!;
  return ros === 1 ? `${t.pkg}/${t.name}${part}` : `${t.pkg}/action/${t.name}_${part}`;
}

/** A name for the generated TypeScript type: `Trigger_Request` → `TriggerRequest`, `time` → `Time`. */
export function displayName(type: string): string {
  const t = parseTypeName(type);
  const base = t ? t.name : type;
  const joined = base.replace(/_+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

/** `geometry_msgs` → `GeometryMsgs`, to tell apart two types of the same name from different packages. */
export function packagePrefix(type: string): string {
  const t = parseTypeName(type);
  if (!t) return 'Ros';
  return t.pkg
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
