import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { functionNames } from '../../../functions/shared/contract/routes.js';
import { pascalCase } from '../../../infra/naming.js';
import { buildStack } from '../../support/synth.js';

/** Every acknowledgment in the tree: rule id → reasons, with the path it was made on. */
const acknowledgmentsIn = (root: IConstruct): { path: string; id: string; reason: string }[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        }))
      )
  );

const packs = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['Serverless', () => new ServerlessChecks()],
] as const;

const CUSTOM_DOMAIN = {
  domainName: 'api.example.com',
  certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-def012345678',
};

describe.each(packs)('cdk-nag %s pack', (_, pack) => {
  it.each([
    ['a created secret', {}],
    [
      'an existing secret by ARN',
      { appSecretArn: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-AbCdEf' },
    ],
    ['an existing secret by name', { appSecretName: 'wechat/app-secret' }],
    ['tracing off', { tracing: false }],
    ['an alarm e-mail and a custom domain', { alarmEmail: 'ops@example.com', ...CUSTOM_DOMAIN }],
    ['an existing alarm topic', { alarmTopicArn: 'arn:aws:sns:ap-east-1:123456789012:ops-alarms' }],
    ['reserved authorizer concurrency', { authorizerReservedConcurrency: 50 }],
  ])('reports no unacknowledged finding with %s', (_, props) => {
    const report = pack().validateScope(buildStack(props));
    const findings = report.violations.map(
      (v) => `${v.ruleName} (${v.severity}) at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('acknowledged cdk-nag findings', () => {
  const perFunction = (id: string, child: string) =>
    functionNames().map((name) => `${id} TestStack/Default/${pascalCase(name)}/${child}`);

  it('are only the ones that are by design, each with a reason', () => {
    const acknowledged = acknowledgmentsIn(buildStack());
    expect(acknowledged.map(({ id, path }) => `${id} ${path}`).sort()).toEqual(
      [
        'AwsSolutions-APIG4 TestStack/Default/Api/HttpApi/POST--login',
        'AwsSolutions-SMG4 TestStack/Default/WeChatAppSecret/Secret',
        'AwsSolutions-SNS2 TestStack/Alarms/Topic',
        // Active tracing's X-Ray writes, on "*" by necessity.
        ...perFunction('AwsSolutions-IAM5[Resource::*]', 'Role'),
        // Synchronous invocations from API Gateway never reach a dead-letter queue.
        ...perFunction('Serverless-LambdaDLQ', 'Function'),
      ].sort()
    );
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(80);
  });

  it('acknowledge missing tracing only when the deployer turned it off, and no X-Ray wildcard then', () => {
    const ids = acknowledgmentsIn(buildStack({ tracing: false })).map(({ id }) => id);
    expect(ids.filter((id) => id === 'Serverless-LambdaTracing')).toHaveLength(functionNames().length);
    expect(ids).not.toContain('AwsSolutions-IAM5[Resource::*]');
  });

  it('acknowledge the e-mail subscription having no redrive policy, with alarmEmail', () => {
    const acknowledged = acknowledgmentsIn(buildStack({ alarmEmail: 'ops@example.com' }));
    expect(acknowledged.filter(({ id }) => id === 'Serverless-SNSRedrivePolicy').map(({ path }) => path)).toEqual([
      'TestStack/Alarms/Topic/ops@example.com',
    ]);
  });
});

describe('the cdk-nag check', () => {
  it('catches a finding added to this stack, so a clean report means something', () => {
    const stack = buildStack();
    stack.functions
      .get('me')!
      .role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.table.tableArn] }));
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Action::dynamodb:*]');
  });
});
