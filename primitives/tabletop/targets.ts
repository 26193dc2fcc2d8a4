import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { matchName, quoteNames } from '../common/names.ts';
import { Name, Point, type ObjectInfo, type Vec3 } from '../schemas.ts';
import { pointText, requireInWorkspace } from './lookup.ts';
import { cm, xyDistance } from './vocabulary.ts';

// Where a placement or a relation points: a named object, a named position of this world (read through
// backend.world(), so a real arm's own positions count) or a point.

export const Target = z.union([Name, Point]);
export type Target = z.infer<typeof Target>;

export interface ResolvedTarget {
  x: number;
  y: number;
  /** Requested height of the placed object's centre, if the caller gave one. */
  z?: number;
  label: string;
  /** The object the target names, if it names one. */
  object?: ObjectInfo;
  /** The named position the target names, if it names one. */
  position?: string;
}

/** The world's named position a name means, if any. */
export function namedPositionOf(backend: TabletopBackend, name: string): { name: string; at: Vec3 } | undefined {
  const positions = backend.world().namedPositions;
  const key = matchName(Object.keys(positions), name);
  return key === undefined ? undefined : { name: key, at: positions[key]! };
}

/** A name that is neither an object nor a named position: both lists are valid targets, so both are given. */
export function unknownTarget(backend: TabletopBackend, name: string, primitive: string): WandError {
  const objects = quoteNames(backend.objects().map((o) => o.name));
  const positions = quoteNames(Object.keys(backend.world().namedPositions));
  return new WandError(
    'unknown_object',
    `${primitive}: there is no object or named position "${name}"; objects: ${objects}; named positions: ${positions}`,
    { primitive },
  );
}

export function resolveTarget(backend: TabletopBackend, target: Target, primitive: string): ResolvedTarget {
  if (typeof target !== 'string') return { ...target, label: pointText(target) };
  const named = namedPositionOf(backend, target);
  if (named) return { x: named.at.x, y: named.at.y, label: `"${named.name}"`, position: named.name };
  const objects = backend.objects();
  const match = matchName(
    objects.map((o) => o.name),
    target,
  );
  const obj = objects.find((o) => o.name === match);
  if (!obj) throw unknownTarget(backend, target, primitive);
  return { x: obj.position.x, y: obj.position.y, label: `"${obj.name}"`, object: obj };
}

/** A target outside the workspace is refused before anything moves. */
export function requireTargetInWorkspace(backend: TabletopBackend, goal: ResolvedTarget, target: Target, primitive: string): void {
  requireInWorkspace(goal, primitive, typeof target === 'string' ? `target ${goal.label} at` : 'target', backend.world().bounds);
}

/**
 * Other objects already where `placed` would go: their footprints overlap its footprint at the target point.
 * The target object itself and what it rests on are not in the way; something already on or in it is.
 */
export function occupants(objects: ObjectInfo[], goal: ResolvedTarget, placed: ObjectInfo): { name: string; distance: number }[] {
  const target = goal.object;
  return objects
    .filter((o) => o.name !== placed.name && o.name !== target?.name && !(target && o.position.z < target.position.z))
    .map((o) => ({ o, distance: xyDistance(o.position, goal) }))
    .filter(({ o, distance }) => distance < (Math.max(o.size.x, o.size.y) + Math.max(placed.size.x, placed.size.y)) / 2)
    .sort((a, b) => a.distance - b.distance)
    .map(({ o, distance }) => ({ name: o.name, distance }));
}

/** Says, before the arm moves, that the target point is already taken: a fact for the model and the verifier. */
export function noteOccupied(note: (text: string) => void, objects: ObjectInfo[], goal: ResolvedTarget, placed: ObjectInfo): void {
  const taken = occupants(objects, goal, placed);
  if (!taken.length) return;
  const who = taken.map((t) => `the ${t.name} (centre ${cm(t.distance)} away)`).join(' and ');
  note(`the target ${goal.label} is already occupied by ${who}`);
}
