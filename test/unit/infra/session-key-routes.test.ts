import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeChatLoginStack } from '../../../infra/stack.js';
import {
  actionsOn,
  asArray,
  byJson,
  type Resource,
  resourcesOf,
  statementsOf,
  synth,
  tableGrantsIn,
} from '../../support/synth.js';

/**
 * The session_key services in the synthesized stack: behind the authorizer, each with exactly the access it uses,
 * written out here rather than read from infra/function-access.ts. `grants` are the table statements: their actions
 * and the partition key patterns of their `dynamodb:LeadingKeys` condition.
 */
const expected = {
  'wx-decrypt': {
    route: 'POST /wx/decrypt',
    table: ['dynamodb:GetItem'],
    grants: [{ actions: ['dynamodb:GetItem'], leadingKeys: ['user#*'] }],
    secret: false,
  },
  'wx-verify': {
    route: 'POST /wx/verify',
    table: ['dynamodb:GetItem'],
    grants: [{ actions: ['dynamodb:GetItem'], leadingKeys: ['user#*'] }],
    secret: false,
  },
  'wx-session-key-status': {
    route: 'GET /wx/session-key/status',
    table: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
    grants: [
      // The newest session_key (user item); ending the calling session; the token entry; the user's last check.
      { actions: ['dynamodb:DeleteItem'], leadingKeys: ['session#*'] },
      { actions: ['dynamodb:GetItem'], leadingKeys: ['user#*'] },
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: ['token#*'] },
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: ['limit#status#*'] },
    ],
    secret: true,
  },
  'wx-phone': {
    route: 'POST /wx/phone',
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    grants: [
      // The user's daily counter (update only: never read), and the token entry.
      { actions: ['dynamodb:UpdateItem'], leadingKeys: ['limit#phone#*'] },
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: ['token#*'] },
    ],
    secret: true,
  },
} as const;

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

  it.each(Object.entries(expected))(
    'grants %s exactly its table actions, and the secret only if it fetches the token',
    (fn, access) => {
      const statements = statementsOf(resources, roleOf(fn));
      expect([...new Set(actionsOn(statements, tableId()))]).toEqual([...access.table]);
      const secretActions = statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('secretsmanager:'));
      expect(secretActions).toEqual(access.secret ? ['secretsmanager:GetSecretValue'] : []);
    }
  );

  it.each(Object.entries(expected))(
    'limits %s to the item kinds it uses: a dynamodb:LeadingKeys condition on each table statement',
    (fn, access) => {
      const grants = tableGrantsIn(statementsOf(resources, roleOf(fn)), tableId());
      expect(grants).toEqual([...access.grants].sort(byJson));
    }
  );

  it('gives the access_token callers room for a refresh, the call, a second refresh and a retry', () => {
    for (const fn of ['wx-session-key-status', 'wx-phone']) {
      const timeout = resources[functionOf(fn)]!.Properties!.Timeout as number;
      expect(timeout).toBeGreaterThanOrEqual(15);
      expect(timeout).toBeLessThan(30); // API Gateway's integration limit
    }
  });
});
