import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeChatLoginStack } from '../../infra/stack.js';
import { type Resource, resourcesOf, synth } from '../infra/synth.js';

/**
 * The session_key services in the synthesized stack: behind the authorizer, each with exactly the access it uses,
 * written out here rather than read from infra/function-access.ts.
 */
const expected = {
  'wx-decrypt': { route: 'POST /wx/decrypt', table: ['dynamodb:GetItem'], secret: false },
  'wx-verify': { route: 'POST /wx/verify', table: ['dynamodb:GetItem'], secret: false },
  'wx-session-key-status': {
    route: 'GET /wx/session-key/status',
    table: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
    secret: true,
  },
  'wx-phone': { route: 'POST /wx/phone', table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], secret: true },
} as const;

type Statement = { Action: string | string[]; Resource: unknown };
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

let stack: WeChatLoginStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  ({ stack, template } = synth());
  resources = resourcesOf(template);
});

const roleOf = (fn: string) => stack.getLogicalId(stack.functions.get(fn)!.role.node.defaultChild as CfnRole);
const functionOf = (fn: string) => stack.getLogicalId(stack.functions.get(fn)!.fn.node.defaultChild as CfnFunction);
const tableId = () => stack.getLogicalId(stack.table.node.defaultChild as never);

const statementsOf = (roleId: string): Statement[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

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

  it.each(Object.entries(expected))('grants %s exactly its table actions, and the secret only if it fetches the token', (fn, access) => {
    const statements = statementsOf(roleOf(fn));
    const onTable = statements
      .filter((s) => JSON.stringify(s.Resource).includes(`"${tableId()}"`))
      .flatMap((s) => asArray(s.Action))
      .sort();
    expect(onTable).toEqual([...access.table]);
    const secretActions = statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('secretsmanager:'));
    expect(secretActions).toEqual(access.secret ? ['secretsmanager:GetSecretValue'] : []);
  });

  it('gives the access_token callers room for a refresh, the call, a second refresh and a retry', () => {
    for (const fn of ['wx-session-key-status', 'wx-phone']) {
      const timeout = resources[functionOf(fn)]!.Properties!.Timeout as number;
      expect(timeout).toBeGreaterThanOrEqual(15);
      expect(timeout).toBeLessThan(30); // API Gateway's integration limit
    }
  });
});
