// A parallel gripper pointing straight down, sized like a Robotiq 2F-85. The tool point is between the
// fingertips (the fingers' lower ends); the fingers close along y. No imports, so the renderer can use it.

export const MAX_OPENING = 0.085;
export const FINGER_LENGTH = 0.05;
/** Along the closing direction. */
export const FINGER_THICKNESS = 0.008;
/** Across the closing direction (x). */
export const FINGER_DEPTH = 0.022;
export const PALM_HALF = { x: 0.03, y: 0.06, z: 0.02 } as const;
/** Height of the palm's centre above the tool point. */
export const PALM_CENTRE_Z = FINGER_LENGTH + PALM_HALF.z;
/** Opening/closing rate of the gap between the fingers: a full stroke takes 0.5 s. */
export const FINGER_SPEED = MAX_OPENING / 0.5;
