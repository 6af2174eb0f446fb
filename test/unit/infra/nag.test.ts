import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
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

describe('cdk-nag AwsSolutions pack', () => {
  it.each([
    ['a created secret', {}],
    [
      'an existing secret by ARN',
      { appSecretArn: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-AbCdEf' },
    ],
    ['an existing secret by name', { appSecretName: 'wechat/app-secret' }],
  ])('reports no unacknowledged finding with %s', (_, props) => {
    const report = new AwsSolutionsChecks().validateScope(buildStack(props));
    const findings = report.violations.map(
      (v) => `${v.ruleName} (${v.severity}) at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the two findings that are by design, each with a reason', () => {
    const acknowledged = acknowledgmentsIn(buildStack());
    expect(acknowledged.map(({ id, path }) => `${id} ${path}`).sort()).toEqual([
      'AwsSolutions-APIG4 TestStack/Default/Api/HttpApi/POST--login',
      'AwsSolutions-SMG4 TestStack/Default/WeChatAppSecret/Secret',
    ]);
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(80);
  });

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
