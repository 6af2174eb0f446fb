import { beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../../../functions/shared/contract/defaults.js';
import { METRICS_NAMESPACE, metricNames } from '../../../../functions/shared/contract/metrics.js';
import { functionNames } from '../../../../functions/shared/contract/routes.js';
import { resourcesOf, synth } from '../../../support/synth.js';

/** The dashboard body with CloudFormation's Fn::Join flattened (tokens become their JSON). */
const dashboardBody = (): string => {
  const dashboards = Object.values(resourcesOf(synth().template)).filter(
    (r) => r.Type === 'AWS::CloudWatch::Dashboard'
  );
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
};

interface Widget {
  properties: { title?: string; metrics?: unknown[][]; alarms?: unknown[] };
}

describe('the operations dashboard', () => {
  let body: string;
  let widgets: Widget[];
  const titled = (pattern: RegExp): Widget => {
    const found = widgets.filter((w) => pattern.test(w.properties.title ?? ''));
    expect(found, String(pattern)).toHaveLength(1);
    return found[0]!;
  };
  const metricsText = (widget: Widget): string => JSON.stringify(widget.properties.metrics);

  beforeAll(() => {
    body = dashboardBody();
    widgets = (JSON.parse(body.replace(/\{"Ref":"[^"]+"\}|\{"Fn::GetAtt":[^}]+\}/g, 'token')) as { widgets: Widget[] })
      .widgets;
  });

  it('shows logins by outcome and new users, from the functions’ own metrics', () => {
    const text = metricsText(titled(/^Logins by outcome/));
    expect(text).toContain(`{${METRICS_NAMESPACE},service,outcome} MetricName=\\"${metricNames.login}\\"`);
    expect(text).toContain(`service=\\"${defaults.serviceName}\\"`);
    expect(text).toContain(metricNames.newUser);
  });

  it('shows the authorizer’s allow/deny decisions by reason and its latency', () => {
    expect(metricsText(titled(/^Authorizer decisions/))).toContain(
      `MetricName=\\"${metricNames.authorizerDecision}\\"`
    );
    const latency = metricsText(titled(/^Authorizer duration/));
    expect(latency).toContain('"AWS/Lambda","Duration"');
    expect(latency).toContain('"AWS/ApiGateway","Latency"');
  });

  it('shows WeChat calls by errcode, rate-limit refusals and access_token refreshes', () => {
    expect(metricsText(titled(/^WeChat calls by errcode/))).toContain(`service,errcode} MetricName=\\"WeChatCall\\"`);
    const limits = metricsText(titled(/^Rate-limit refusals/));
    expect(limits).toContain(metricNames.rateLimitRefusal);
    expect(limits).toContain(metricNames.accessTokenRefresh);
  });

  it('shows the table’s consumed capacity and throttles', () => {
    const capacity = metricsText(titled(/consumed capacity/));
    expect(capacity).toContain('ConsumedReadCapacityUnits');
    expect(capacity).toContain('ConsumedWriteCapacityUnits');
    expect(metricsText(titled(/throttled requests/))).toContain('ThrottledRequests');
  });

  it('shows every function’s concurrency and errors', () => {
    for (const [pattern, metric] of [
      [/^Lambda concurrency/, 'ConcurrentExecutions'],
      [/^Lambda errors/, 'Errors'],
    ] as const) {
      const lines = titled(pattern).properties.metrics!.filter((line) => line.includes(metric));
      expect(lines).toHaveLength(functionNames().length);
    }
  });

  it('starts with the state of every alarm', () => {
    const alarms = widgets.find((w) => w.properties.title === 'Alarms');
    expect(alarms?.properties.alarms?.length).toBeGreaterThanOrEqual(12);
  });
});
