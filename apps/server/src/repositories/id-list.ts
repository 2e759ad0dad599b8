/**
 * A list of ids for an SQL `IN (…)`: `[-1]` when it is empty, because `IN ()` is not SQL and no
 * row has id −1, so an empty scope matches nothing.
 */
export function idList(ids: readonly number[]): number[] {
  return ids.length ? [...ids] : [-1];
}
