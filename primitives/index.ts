import type { Backend } from './backend.ts';
import type { Primitive } from './define.ts';
import { mobilePrimitives } from './mobile/index.ts';
import { tabletopPrimitives } from './tabletop/index.ts';

export const PROFILES = {
  tabletop: tabletopPrimitives as Primitive<any>[],
  mobile: mobilePrimitives as Primitive<any>[],
} satisfies Record<Backend['profile'], Primitive<any>[]>;

export type ProfileName = keyof typeof PROFILES;

export function primitivesFor(profile: ProfileName): Primitive<any>[] {
  return PROFILES[profile];
}

export { apiText, generateDts } from './dts.ts';
export { definePrimitive, parseArgs } from './define.ts';
export type { Primitive, PrimitiveContext } from './define.ts';
