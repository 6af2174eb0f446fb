/**
 * The value, or a thrown error naming what was missing: the test-side replacement for a non-null assertion (`x!`),
 * so a missing resource, item or match fails the test with a message instead of a TypeError further down.
 *
 * @example
 * const item = must(await table.item(key), 'the session item');
 */
const must = <T>(value: T | null | undefined, what = 'a value'): T => {
  if (value === undefined || value === null) throw new Error(`Expected ${what}, got ${value}`);
  return value;
};

export { must };
