import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { AUTHORIZER_FUNCTION, functionNames } from '../../../../functions/shared/contract/routes.js';
import { resourcesOf, synth } from '../../../support/synth.js';

const functionsOf = (props: Parameters<typeof synth>[0] = {}) => {
  const { stack, template } = synth(props);
  const resources = resourcesOf(template);
  return functionNames().map((name) => {
    const id = stack.getLogicalId(stack.functions.get(name)!.fn.node.defaultChild as CfnElement);
    return { name, properties: resources[id]!.Properties! };
  });
};

describe('every function', () => {
  it('has active tracing by default', () => {
    const functions = functionsOf();
    expect(functions).toHaveLength(functionNames().length);
    for (const { name, properties } of functions) expect(properties.TracingConfig, name).toEqual({ Mode: 'Active' });
  });

  it('has no tracing with tracing: false', () => {
    for (const { name, properties } of functionsOf({ tracing: false })) {
      expect(properties.TracingConfig, name).toBeUndefined();
    }
  });

  it('has no reserved concurrency by default', () => {
    for (const { name, properties } of functionsOf()) {
      expect(properties.ReservedConcurrentExecutions, name).toBeUndefined();
    }
  });
});

describe('authorizerReservedConcurrency', () => {
  it('reserves that much concurrency for the authorizer, and for no other function', () => {
    for (const { name, properties } of functionsOf({ authorizerReservedConcurrency: 50 })) {
      expect(properties.ReservedConcurrentExecutions, name).toBe(name === AUTHORIZER_FUNCTION ? 50 : undefined);
    }
  });

  it.each([0, -1, 2.5])('refuses %s', (value) => {
    expect(() => synth({ authorizerReservedConcurrency: value })).toThrow(/authorizerReservedConcurrency/);
  });
});
