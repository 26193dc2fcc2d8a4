import print from './print.ts';
import say from './say.ts';
import wait from './wait.ts';

export const commonPrimitives = [say, print, wait];
