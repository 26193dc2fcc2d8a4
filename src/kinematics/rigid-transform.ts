// Rigid transforms as 12 numbers, row-major [R | t] (3x4): small and allocation-free in the solver's loop.

export type Transform = Float64Array;

export function identity(): Transform {
  return Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0);
}

/** `out = a · b` (out may alias neither). */
export function compose(a: Transform, b: Transform, out: Transform): Transform {
  for (let r = 0; r < 3; r++) {
    const a0 = a[r * 4], a1 = a[r * 4 + 1], a2 = a[r * 4 + 2];
    out[r * 4] = a0 * b[0] + a1 * b[4] + a2 * b[8];
    out[r * 4 + 1] = a0 * b[1] + a1 * b[5] + a2 * b[9];
    out[r * 4 + 2] = a0 * b[2] + a1 * b[6] + a2 * b[10];
    out[r * 4 + 3] = a0 * b[3] + a1 * b[7] + a2 * b[11] + a[r * 4 + 3];
  }
  return out;
}

/** A rotation of `angle` about the unit `axis` (Rodrigues), with no translation. */
export function rotation(axis: readonly number[], angle: number, out: Transform = identity()): Transform {
  const [x, y, z] = axis;
  const c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
  out[0] = t * x * x + c; out[1] = t * x * y - s * z; out[2] = t * x * z + s * y; out[3] = 0;
  out[4] = t * x * y + s * z; out[5] = t * y * y + c; out[6] = t * y * z - s * x; out[7] = 0;
  out[8] = t * x * z - s * y; out[9] = t * y * z + s * x; out[10] = t * z * z + c; out[11] = 0;
  return out;
}

/** A translation of `distance` along the unit `axis`. */
export function translation(axis: readonly number[], distance: number, out: Transform = identity()): Transform {
  out.set([1, 0, 0, axis[0] * distance, 0, 1, 0, axis[1] * distance, 0, 0, 1, axis[2] * distance]);
  return out;
}

/** From a unit quaternion and a position (how urdf-loader holds a joint's <origin>). */
export function fromQuaternion(q: { x: number; y: number; z: number; w: number }, p: { x: number; y: number; z: number }): Transform {
  const { x, y, z, w } = q;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), p.x,
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), p.y,
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), p.z,
  );
}

/** The 3x3 rotation part, row-major. */
export function rotationOf(t: Transform): number[] {
  return [t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]];
}

/** 3x3 row-major product a · b. */
export function mul3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return out;
}

export function transpose3(a: readonly number[]): number[] {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}

/**
 * The rotation vector (axis · angle) of a 3x3 rotation: the log map, exact also near 0 and π.
 * Writes into out[offset..offset+2].
 */
export function rotationVector(m: ArrayLike<number>, out: number[] | Float64Array = [0, 0, 0], offset = 0): typeof out {
  const m00 = m[0], m01 = m[1], m02 = m[2], m10 = m[3], m11 = m[4], m12 = m[5], m20 = m[6], m21 = m[7], m22 = m[8];
  const cos = Math.min(1, Math.max(-1, (m00 + m11 + m22 - 1) / 2));
  const vx = m21 - m12, vy = m02 - m20, vz = m10 - m01;
  const sin = 0.5 * Math.hypot(vx, vy, vz);
  const angle = Math.atan2(sin, cos);
  if (angle < 1e-6) {
    out[offset] = vx / 2; out[offset + 1] = vy / 2; out[offset + 2] = vz / 2;
  } else if (Math.PI - angle > 1e-4) {
    const k = angle / (2 * sin);
    out[offset] = vx * k; out[offset + 1] = vy * k; out[offset + 2] = vz * k;
  } else {
    // Near a half turn the antisymmetric part vanishes: the axis comes from the diagonal, its signs from the
    // largest component's row.
    const d = [m00, m11, m22];
    const i = d[0] >= d[1] && d[0] >= d[2] ? 0 : d[1] >= d[2] ? 1 : 2;
    const axis = [0, 0, 0];
    axis[i] = Math.sqrt(Math.max(0, (d[i] + 1) / 2));
    const j = (i + 1) % 3, k = (i + 2) % 3;
    axis[j] = (m[i * 3 + j] + m[j * 3 + i]) / (4 * axis[i]);
    axis[k] = (m[i * 3 + k] + m[k * 3 + i]) / (4 * axis[i]);
    // Keep the sign consistent with the (small) antisymmetric part, so the vector is continuous.
    const sign = axis[0] * vx + axis[1] * vy + axis[2] * vz < 0 ? -1 : 1;
    const n = Math.hypot(axis[0], axis[1], axis[2]);
    for (let a = 0; a < 3; a++) out[offset + a] = (sign * angle * axis[a]) / n;
  }
  return out;
}

/** The rotation with this rotation vector (exp map), 3x3 row-major. */
export function fromRotationVector(v: readonly number[]): number[] {
  const angle = Math.hypot(v[0], v[1], v[2]);
  if (angle < 1e-12) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  return rotationOf(rotation([v[0] / angle, v[1] / angle, v[2] / angle], angle));
}
