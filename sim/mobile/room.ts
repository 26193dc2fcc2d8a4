import type { Color } from '../../primitives/schemas.ts';

// The mobile-base world: a room with walls, a partition with a doorway, named places and coloured boxes.
// Plain data (no three.js, no node), so the simulator, the rehearsal and the browser view share it.
// Odometry frame: the robot starts at the origin facing +x; +y is to its left.

export interface Wall {
  name: string;
  from: [number, number];
  to: [number, number];
}

export interface Box {
  name: string;
  color: Color;
  center: [number, number];
  /** x, y, height */
  size: [number, number, number];
}

/** A small round obstacle: laser returns of a real robot become these in its rehearsal. */
export interface Post {
  x: number;
  y: number;
  r: number;
}

export interface RoomSpec {
  name: string;
  walls: Wall[];
  boxes: Box[];
  posts: Post[];
  places: Record<string, [number, number]>;
  /** x-y extent, for the default geofence and the view. */
  bounds: { x: [number, number]; y: [number, number] };
}

export const WALL_THICKNESS = 0.1;
export const WALL_HEIGHT = 0.6;
/** A TurtleBot-sized round base. */
export const ROBOT_RADIUS = 0.18;

const X0 = -1.5;
const X1 = 6.5;
const Y0 = -3;
const Y1 = 3;
/** The partition between the living room and the kitchen, with a 1 m doorway at y = -0.5..0.5. */
const PX = 3.5;

export const MOBILE_ROOM: RoomSpec = {
  name: 'mobile',
  walls: [
    { name: 'south wall', from: [X0, Y0], to: [X1, Y0] },
    { name: 'east wall', from: [X1, Y0], to: [X1, Y1] },
    { name: 'north wall', from: [X1, Y1], to: [X0, Y1] },
    { name: 'west wall', from: [X0, Y1], to: [X0, Y0] },
    { name: 'partition', from: [PX, Y0], to: [PX, -0.5] },
    { name: 'partition', from: [PX, 0.5], to: [PX, Y1] },
  ],
  boxes: [
    { name: 'red box', color: 'red', center: [2, 1.2], size: [0.4, 0.4, 0.4] },
    { name: 'blue box', color: 'blue', center: [1.2, -1.6], size: [0.5, 0.3, 0.5] },
    { name: 'green box', color: 'green', center: [5.6, -2.1], size: [0.6, 0.4, 0.8] },
    { name: 'yellow box', color: 'yellow', center: [-0.8, 2.2], size: [0.3, 0.3, 0.3] },
  ],
  posts: [],
  places: {
    door: [PX, 0],
    kitchen: [5.3, 1.8],
    charger: [-0.9, -2.3],
    window: [1.5, 2.5],
  },
  bounds: { x: [X0, X1], y: [Y0, Y1] },
};

/** An open floor with no walls: the rehearsal world of a real robot, whose surroundings are only known from its laser. */
export function openFloor(places: Record<string, [number, number]>, posts: Post[], bounds: RoomSpec['bounds']): RoomSpec {
  return { name: 'rehearsal', walls: [], boxes: [], posts, places, bounds };
}
