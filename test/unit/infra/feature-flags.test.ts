import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../support/synth.js';

describe('cdk.json', () => {
  it('sets every feature flag aws-cdk-lib currently recommends, to the recommended value', () => {
    const recommended = Object.entries(CURRENTLY_RECOMMENDED_FLAGS);
    expect(recommended.length).toBeGreaterThan(80);
    for (const [flag, value] of recommended) expect(cdkJsonContext[flag], flag).toEqual(value);
  });

  it('targets the aws and aws-cn partitions (the README covers the China regions)', () => {
    expect(cdkJsonContext['@aws-cdk/core:target-partitions']).toEqual(['aws', 'aws-cn']);
  });

  it('sets nothing but flags (deployment settings belong on the command line, not in the repo)', () => {
    for (const key of Object.keys(cdkJsonContext)) expect(key).toMatch(/^@aws-cdk/);
  });
});
