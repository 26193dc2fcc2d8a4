import { commonPrimitives } from '../common/index.ts';
import drive from './drive.ts';
import getPose from './getPose.ts';
import goTo from './goTo.ts';
import scan from './scan.ts';
import stop from './stop.ts';
import turn from './turn.ts';

export const mobilePrimitives = [getPose, drive, turn, goTo, stop, scan, ...commonPrimitives];
