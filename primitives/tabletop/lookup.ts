import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend, WorldInfo } from '../backend.ts';
import type { ObjectInfo, Point } from '../schemas.ts';
import { matchName, quoteNames } from '../common/names.ts';
import { WORKSPACE } from './world.ts';

// Name and target resolution shared by the tabletop primitives.

export function findObject(backend: TabletopBackend, name: string, primitive: string): ObjectInfo {
  const objects = backend.objects();
  const names = objects.map((o) => o.name);
  const match = matchName(names, name);
  if (match !== undefined) return objects.find((o) => o.name === match)!;
  throw new WandError('unknown_object', `${primitive}: there is no object named "${name}"; known objects: ${quoteNames(names)}`, {
    primitive,
  });
}

const fmt = (v: number) => v.toFixed(3).replace(/\.?0+$/, '');
export const pointText = (p: { x: number; y: number; z?: number }) =>
  `(${fmt(p.x)}, ${fmt(p.y)}${p.z === undefined ? '' : `, ${fmt(p.z)}`})`;

export function requireInWorkspace(p: Point, primitive: string, what = 'target', bounds: WorldInfo['bounds'] = WORKSPACE): void {
  const inside = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;
  if (inside(p.x, bounds.x) && inside(p.y, bounds.y) && (p.z === undefined || inside(p.z, bounds.z))) return;
  throw new WandError(
    'workspace',
    `${primitive}: ${what} ${pointText(p)} is outside the reachable workspace ` +
      `(x ${bounds.x[0]}..${bounds.x[1]}, y ${bounds.y[0]}..${bounds.y[1]}, z ${bounds.z[0]}..${bounds.z[1]}); nothing moved`,
    { primitive },
  );
}

/** Height of the highest surface under (x, y): the table, or the top of an object whose footprint covers the point. */
export function surfaceHeight(objects: ObjectInfo[], x: number, y: number, ignore?: string): number {
  let top = 0;
  for (const o of objects) {
    if (o.name === ignore) continue;
    const inside = Math.abs(o.position.x - x) <= o.size.x / 2 && Math.abs(o.position.y - y) <= o.size.y / 2;
    // A bowl's floor, not its rim, is where things come to rest inside it.
    const objTop = o.kind === 'bowl' ? o.position.z - o.size.z / 2 + 0.01 : o.position.z + o.size.z / 2;
    if (inside && objTop > top) top = objTop;
  }
  return top;
}

/** What the arm can travel over without hitting anything: above every object, with room for what it carries. */
export function travelHeight(backend: TabletopBackend): number {
  const objects = backend.objects();
  const held = backend.holding();
  const carried = objects.find((o) => o.name === held)?.size.z ?? 0;
  const highest = objects.filter((o) => o.name !== held).reduce((m, o) => Math.max(m, o.position.z + o.size.z / 2), 0);
  return Math.min(backend.world().bounds.z[1], Math.max(0.15, highest + carried + 0.06));
}
