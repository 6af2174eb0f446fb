import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeChatLoginStack } from '../../../infra/stack.js';
import { type Resource, resourcesOf, synth } from '../../support/synth.js';

/**
 * The session_key services in the synthesized stack: behind the authorizer, with time for the access_token dance.
 * Their IAM grants are not restated here: the stack test derives every function's grants from
 * infra/function-access.ts, and test/integration/infra/function-access.test.ts proves that map against the handlers.
 */
const expected = {
  'wx-decrypt': { route: 'POST /wx/decrypt' },
  'wx-verify': { route: 'POST /wx/verify' },
  'wx-session-key-status': { route: 'GET /wx/session-key/status' },
  'wx-phone': { route: 'POST /wx/phone' },
} as const;

let stack: WeChatLoginStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  ({ stack, template } = synth());
  resources = resourcesOf(template);
});

const functionOf = (fn: string) => stack.getLogicalId(stack.functions.get(fn)!.fn.node.defaultChild as CfnFunction);

describe('the session_key services in the stack', () => {
  it.each(Object.entries(expected))('routes %s behind the session authorizer', (fn, { route }) => {
    const authorizerId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer')![0];
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: route,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
      Target: Match.anyValue(),
    });
    expect(stack.functions.has(fn)).toBe(true);
  });

  it('gives the access_token callers room for a refresh, the call, a second refresh and a retry', () => {
    for (const fn of ['wx-session-key-status', 'wx-phone']) {
      const timeout = resources[functionOf(fn)]!.Properties!.Timeout as number;
      expect(timeout).toBeGreaterThanOrEqual(15);
      expect(timeout).toBeLessThan(30); // API Gateway's integration limit
    }
  });
});
