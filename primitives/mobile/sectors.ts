import { wrapAngle } from '../../src/safety/controller.ts';
import type { ScanSectors } from '../schemas.ts';

// What scan() means, for the simulated and the real laser alike: the nearest valid return per 90° sector
// around the heading. Invalid returns (NaN / null, below range_min) are skipped; +Inf means nothing in
// range; -Inf (REP 117: too close to measure) counts as range_min. A sector no beam looks into reads 0,
// so a program that checks "is there room behind me" never gets a yes from a blind spot.

export interface Beam {
  /** Radians relative to the robot heading, counter-clockwise positive. */
  angle: number;
  range: number | null;
}

type Sector = keyof ScanSectors;

function sectorOf(angle: number): Sector {
  const a = wrapAngle(angle);
  const q = Math.PI / 4;
  if (Math.abs(a) <= q) return 'front';
  if (a > q && a <= 3 * q) return 'left';
  if (a < -q && a >= -3 * q) return 'right';
  return 'back';
}

export function scanSectors(beams: Iterable<Beam>, rangeMin: number, rangeMax: number): ScanSectors {
  const seen: Record<Sector, boolean> = { front: false, left: false, right: false, back: false };
  const near: Record<Sector, number> = { front: Infinity, left: Infinity, right: Infinity, back: Infinity };
  for (const b of beams) {
    const s = sectorOf(b.angle);
    seen[s] = true;
    const r = b.range;
    if (r === null || Number.isNaN(r)) continue;
    const d = r === -Infinity ? rangeMin : r;
    if (d < rangeMin || d > rangeMax) continue;
    if (d < near[s]) near[s] = d;
  }
  const out = {} as ScanSectors;
  for (const s of Object.keys(near) as Sector[]) {
    out[s] = !seen[s] ? 0 : Math.round((near[s] === Infinity ? rangeMax : near[s]) * 1000) / 1000;
  }
  return out;
}
