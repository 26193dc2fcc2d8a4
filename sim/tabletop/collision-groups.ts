// Rapier interaction groups: the upper 16 bits say what a collider is, the lower 16 what it touches.
// A held object stops touching the gripper, so the fingers resting against it do not fight the grasp joint.

const OBJECT = 0b001;
const GRIPPER = 0b010;
const STATIC = 0b100;

const groups = (member: number, touches: number) => ((member << 16) | touches) >>> 0;

export const COLLISION_GROUPS = {
  object: groups(OBJECT, OBJECT | GRIPPER | STATIC),
  heldObject: groups(OBJECT, OBJECT | STATIC),
  gripper: groups(GRIPPER, OBJECT),
  static: groups(STATIC, OBJECT),
} as const;
