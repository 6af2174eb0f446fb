import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../../../functions/shared/contract/defaults.js';
import { METRICS_NAMESPACE, metricNames } from '../../../../functions/shared/contract/metrics.js';
import type { WeChatLoginStack } from '../../../../infra/stack.js';
import { type Resource, resourcesOf, synth } from '../../../support/synth.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read loosely by the assertions
type Json = Record<string, any>;

/** The alarm whose name ends with `-<id>`, as the template holds it. */
const alarmNamed = (resources: Record<string, Resource>, id: string): Json => {
  const found = Object.values(resources).filter(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties?.AlarmName).endsWith(`-${id}`)
  );
  expect(found, id).toHaveLength(1);
  return found[0]!.Properties as Json;
};

/** Every plain metric an alarm reads: its own, or those inside its metric math. */
const metricsOf = (alarm: Json): Json[] =>
  alarm.Metrics
    ? alarm.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => ({
        Namespace: m.MetricStat.Metric.Namespace,
        MetricName: m.MetricStat.Metric.MetricName,
        Dimensions: m.MetricStat.Metric.Dimensions,
      }))
    : [{ Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }];

const logicalIdOf = (stack: WeChatLoginStack, fn: string) =>
  stack.getLogicalId(stack.functions.get(fn)!.fn.node.defaultChild as CfnFunction);

describe('operational alarms', () => {
  let stack: WeChatLoginStack;
  let template: Template;
  let resources: Record<string, Resource>;
  let topicId: string;

  beforeAll(() => {
    ({ stack, template } = synth());
    resources = resourcesOf(template);
    const topics = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    topicId = topics[0]![0];
  });

  it('notify one SNS topic, which only accepts TLS, and subscribe no address by default', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('send every alarm, and its recovery, to the topic, with a description of what it means and what to do', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(12);
    for (const alarm of alarms) {
      const props = alarm.Properties as Json;
      expect(props.AlarmActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.OKActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.AlarmDescription, props.AlarmName).toMatch(/First (check|find)/);
      expect(props.AlarmDescription.length, props.AlarmName).toBeGreaterThan(120);
      expect(props.TreatMissingData).toBe('notBreaching');
    }
  });

  it.each([
    ['AuthorizerErrors', 'authorizer', 'Errors'],
    ['AuthorizerThrottles', 'authorizer', 'Throttles'],
    ['LoginErrors', 'login', 'Errors'],
  ])('%s watches the %s function’s %s', (id, fn, metric) => {
    expect(metricsOf(alarmNamed(resources, id))).toEqual([
      {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack, fn) } }],
      },
    ]);
  });

  it('Api5xxRate divides the API’s 5xx by its requests, and fires above 5%', () => {
    const alarm = alarmNamed(resources, 'Api5xxRate');
    const apiId = { Ref: stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnElement) };
    expect(
      metricsOf(alarm)
        .map((m) => m.MetricName)
        .sort()
    ).toEqual(['5xx', 'Count']);
    for (const m of metricsOf(alarm)) expect(m.Dimensions).toEqual([{ Name: 'ApiId', Value: apiId }]);
    expect(alarm.Metrics.find((m: Json) => m.Expression).Expression).toMatch(/100 \* FILL\(part, 0\) \/ whole/);
    expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('ApiLatencyP99 watches the API’s p99 latency', () => {
    expect(alarmNamed(resources, 'ApiLatencyP99')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
    });
  });

  it.each([
    ['DynamoDbThrottles', 'ThrottledRequests'],
    ['DynamoDbSystemErrors', 'SystemErrors'],
  ])('%s sums the session table’s %s over the operations the functions use', (id, metric) => {
    const metrics = metricsOf(alarmNamed(resources, id));
    const tableRef = { Ref: stack.getLogicalId(stack.table.node.defaultChild as CfnElement) };
    expect(metrics.length).toBeGreaterThanOrEqual(4);
    expect(metrics.length).toBeLessThanOrEqual(10);
    for (const m of metrics) {
      expect(m).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: metric });
      expect(m.Dimensions).toContainEqual({ Name: 'TableName', Value: tableRef });
    }
    const operations = metrics.map((m) => m.Dimensions.find((d: Json) => d.Name === 'Operation').Value);
    expect(operations).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']));
  });

  it('WeChatMisconfigured fires on the first 40013 or 40125 from any WeChat API', () => {
    const alarm = alarmNamed(resources, 'WeChatMisconfigured');
    const service = { Name: 'service', Value: defaults.serviceName };
    expect(metricsOf(alarm)).toEqual(
      ['40013', '40125'].map((errcode) => ({
        Namespace: METRICS_NAMESPACE,
        MetricName: metricNames.wechatCall,
        Dimensions: expect.arrayContaining([service, { Name: 'errcode', Value: errcode }]),
      }))
    );
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it.each([
    ['WeChatBusyRate', '-1'],
    ['WeChatLoginTooFrequentRate', '45011'],
  ])('%s divides the calls answered %s by all WeChat calls', (id, errcode) => {
    const metrics = metricsOf(alarmNamed(resources, id));
    expect(metrics.map((m) => m.Dimensions)).toEqual(
      expect.arrayContaining([
        [{ Name: 'service', Value: defaults.serviceName }],
        expect.arrayContaining([{ Name: 'errcode', Value: errcode }]),
      ])
    );
  });

  it('WeChatAccessTokenRejected counts errcode 40001, and RateLimitRefusalSpike all rate-limit refusals', () => {
    expect(metricsOf(alarmNamed(resources, 'WeChatAccessTokenRejected'))).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        MetricName: metricNames.wechatCall,
        Dimensions: expect.arrayContaining([{ Name: 'errcode', Value: '40001' }]),
      },
    ]);
    expect(metricsOf(alarmNamed(resources, 'RateLimitRefusalSpike'))).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        MetricName: metricNames.rateLimitRefusal,
        Dimensions: [{ Name: 'service', Value: defaults.serviceName }],
      },
    ]);
  });

  it('watch the business metrics of the stack’s own service name', () => {
    const { template: named } = synth({ serviceName: 'wechat-login-dev' });
    const [metric] = metricsOf(alarmNamed(resourcesOf(named), 'WeChatAccessTokenRejected'));
    expect(metric!.Dimensions).toContainEqual({ Name: 'service', Value: 'wechat-login-dev' });
  });
});

describe('the alarm topic', () => {
  it('subscribes the alarmEmail address', () => {
    const { template } = synth({ alarmEmail: 'ops@example.com' });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('is the existing topic named by alarmTopicArn: no topic created, every alarm sends there', () => {
    const arn = 'arn:aws:sns:ap-east-1:123456789012:ops-alarms';
    const { template } = synth({ alarmTopicArn: arn });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties!.AlarmActions).toEqual([arn]);
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toBe(arn);
  });

  it.each([
    [{ alarmEmail: 'ops@example.com', alarmTopicArn: 'arn:aws:sns:ap-east-1:123456789012:ops' }, /not both/],
    [{ alarmEmail: 'ops' }, /alarmEmail must be an e-mail address/],
    [{ alarmTopicArn: 'ops-alarms' }, /alarmTopicArn must be an SNS topic ARN/],
  ])('refuses %j, naming the construct', (props, message) => {
    expect(() => synth(props)).toThrow(message);
    expect(() => synth(props)).toThrow(/\[TestStack\/Alarms\]/);
  });
});
