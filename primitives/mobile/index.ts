import { commonPrimitives } from '../common/index.ts';

// The mobile-base primitives are added here (getPose, drive, turn, goTo, stop, scan).
export const mobilePrimitives = [...commonPrimitives];
