import { describe, expect, it } from 'vitest';

import { mergeRuns } from './StateTimeline';

describe('mergeRuns (state timeline mergeValues)', () => {
  it('merges equal neighbours and skips nulls', () => {
    expect(mergeRuns([0, 0, 1, null, 1, 1], true)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 4, end: 6 },
    ]);
    expect(mergeRuns([0, 0], false)).toHaveLength(2);
  });
});
