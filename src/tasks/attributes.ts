import { COLORS, type Color } from '../../primitives/schemas.ts';
import { CORNERS as VOCABULARY_CORNERS, DIRECTIONS, type Direction, type LineOrientation, type Magnitude } from '../../primitives/tabletop/vocabulary.ts';

// Attribute values split into seen and unseen, as in Code as Policies' evaluation: a model (or prompt)
// tuned on the seen ones is measured on the unseen ones too.

export type Split = 'seen' | 'unseen';

export const COLOR_SPLIT: Record<Split, Color[]> = {
  seen: COLORS.slice(0, 5) as Color[], // blue, red, green, orange, yellow
  unseen: COLORS.slice(5) as Color[], // purple, pink, cyan, brown, gray
};

export const PLACE_SPLIT: Record<Split, string[]> = {
  seen: ['top left corner', 'bottom right corner', 'top side', 'left side'],
  unseen: ['top right corner', 'bottom left corner', 'bottom side', 'right side', 'middle'],
};

export const CORNERS: string[] = [...VOCABULARY_CORNERS];

export type { Direction, LineOrientation, Magnitude };
export const DIRECTION_SPLIT: Record<Split, Direction[]> = { seen: ['top', 'left'], unseen: ['bottom', 'right'] };
/** Unit vectors in the table frame (the vocabulary's): top = +x (away from the robot), left = +y. */
export const DIRECTION_VECTOR: Record<Direction, { x: number; y: number }> = DIRECTIONS;

export const ORDINAL_SPLIT: Record<Split, string[]> = { seen: ['first', 'second'], unseen: ['third'] };
export const ORDINAL_INDEX: Record<string, number> = { first: 0, second: 1, third: 2 };

export const MAGNITUDE_SPLIT: Record<Split, Magnitude[]> = { seen: ['a little'], unseen: ['a lot'] };

export type Extreme = 'closest' | 'farthest';
export const EXTREME_SPLIT: Record<Split, Extreme[]> = { seen: ['closest'], unseen: ['farthest'] };

export const LINE_SPLIT: Record<Split, LineOrientation[]> = { seen: ['horizontal', 'vertical'], unseen: ['diagonal'] };
