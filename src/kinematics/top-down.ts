// The top-down tool orientation: the tool frame's +z points straight down (as a UR tool0 whose +z leaves the
// flange), turned by a yaw about vertical. At yaw 0 the tool's x axis is the base's x and its y is the base's -y.

/** Rz(yaw) · Rx(π), 3x3 row-major. */
export function topDownRotation(yaw: number): number[] {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  return [c, s, 0, s, -c, 0, 0, 0, -1];
}

/** The yaw of the top-down orientation nearest to `rotation` (3x3 row-major); 0 when the tool points straight up. */
export function yawOf(rotation: ArrayLike<number>): number {
  const y = rotation[3] + rotation[1];
  const x = rotation[0] - rotation[4];
  return Math.hypot(x, y) < 1e-9 ? 0 : Math.atan2(y, x);
}
