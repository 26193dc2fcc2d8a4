import { expect } from 'vitest';
import { WandError } from '../../src/core/errors.ts';

/** The WandError a promise rejects with (fails the test if it resolves or rejects with something else). */
export async function rejection(p: Promise<unknown>): Promise<WandError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WandError);
  return err as WandError;
}
