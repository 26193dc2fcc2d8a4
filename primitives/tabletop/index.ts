import { commonPrimitives } from '../common/index.ts';
import closeGripper from './closeGripper.ts';
import distanceBetween from './distanceBetween.ts';
import getObject from './getObject.ts';
import getObjectNames from './getObjectNames.ts';
import getObjects from './getObjects.ts';
import holding from './holding.ts';
import home from './home.ts';
import isOn from './isOn.ts';
import moveTo from './moveTo.ts';
import namedPosition from './namedPosition.ts';
import openGripper from './openGripper.ts';
import pick from './pick.ts';
import place from './place.ts';
import putOn from './putOn.ts';
import relationsOf from './relationsOf.ts';

export const tabletopPrimitives = [
  getObjectNames,
  getObjects,
  getObject,
  namedPosition,
  isOn,
  distanceBetween,
  relationsOf,
  holding,
  pick,
  place,
  putOn,
  moveTo,
  home,
  openGripper,
  closeGripper,
  ...commonPrimitives,
];
