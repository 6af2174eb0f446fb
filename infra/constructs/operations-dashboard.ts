import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { defaults } from '../../functions/shared/contract/defaults.js';
import {
  METRICS_NAMESPACE,
  type MetricDimension,
  type MetricName,
  metricDimensions,
  metricNames,
} from '../../functions/shared/contract/metrics.js';
import { BusinessMetrics, TABLE_OPERATIONS } from '../business-metrics.js';

interface OperationsDashboardProps {
  /** Function name → function: each gets a line in the concurrency and errors graphs. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly authorizerFunction: IFunction;
  readonly httpApi: IHttpApi;
  readonly table: ITable;
  /**
   * The `service` dimension of the business metrics (the functions' POWERTOOLS_SERVICE_NAME).
   * @default functions/shared/contract/defaults.ts serviceName (`wechat-login`)
   */
  readonly serviceName?: string;
  /**
   * Alarms shown in a status row at the top.
   * @default - no status row
   */
  readonly alarms?: readonly Alarm[];
  /**
   * The dashboard's name.
   * @default `<stack name>-operations`
   */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = WIDTH): GraphWidget =>
  new GraphWidget({ title, left, right, width, height: HEIGHT, period: PERIOD });

/**
 * One line per value of the dimensions, whatever values the functions emit (refusal codes, errcodes, limits), through
 * a CloudWatch SEARCH: a new refusal code shows up without a dashboard change.
 */
const searchBy = (serviceName: string, name: MetricName, dimensions: readonly MetricDimension[]): MathExpression => {
  const schema = [METRICS_NAMESPACE, metricDimensions.service, ...dimensions].join(',');
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${name}" ${metricDimensions.service}="${serviceName}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    period: PERIOD,
  });
};

/**
 * The backend at a glance: logins and refusals, the authorizer's decisions and latency, WeChat's errcodes, the session
 * table's capacity and throttles, and every function's concurrency and errors (plus the alarms' states when given).
 *
 * @example
 * new OperationsDashboard(this, 'Dashboard', { functions, authorizerFunction, httpApi, table });
 */
class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });
    if (props.alarms?.length) {
      this.dashboard.addWidgets(
        new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 3 * WIDTH, height: 3 })
      );
    }
    const service = props.serviceName ?? defaults.serviceName;
    this.dashboard.addWidgets(...businessWidgets(service, props));
    this.dashboard.addWidgets(...wechatWidgets(service));
    this.dashboard.addWidgets(...tableWidgets(props.table));
    this.dashboard.addWidgets(...lambdaWidgets(props.functions));
  }
}

const businessWidgets = (service: string, props: OperationsDashboardProps): IWidget[] => {
  const metrics = new BusinessMetrics(service, PERIOD);
  return [
    graph(
      'Logins by outcome (success, refusal codes) and new users',
      [searchBy(service, metricNames.login, [metricDimensions.outcome])],
      [metrics.sum(metricNames.newUser, {}, 'new users')]
    ),
    graph('Authorizer decisions (allow / deny by reason)', [
      searchBy(service, metricNames.authorizerDecision, [metricDimensions.decision, metricDimensions.reason]),
    ]),
    graph(
      'Authorizer duration and API latency (ms)',
      [
        props.authorizerFunction.metricDuration({ statistic: 'p50', label: 'authorizer p50' }),
        props.authorizerFunction.metricDuration({ statistic: 'p99', label: 'authorizer p99' }),
      ],
      [props.httpApi.metricLatency({ statistic: 'p99', label: 'API p99' })]
    ),
  ];
};

const wechatWidgets = (service: string): IWidget[] => {
  return [
    graph('WeChat calls by errcode (0 = success, none = no answer)', [
      searchBy(service, metricNames.wechatCall, [metricDimensions.errcode]),
    ]),
    graph('WeChat calls by API and errcode', [
      searchBy(service, metricNames.wechatCall, [metricDimensions.api, metricDimensions.errcode]),
    ]),
    graph(
      'Rate-limit refusals by limit; access_token refreshes',
      [searchBy(service, metricNames.rateLimitRefusal, [metricDimensions.limit])],
      [searchBy(service, metricNames.accessTokenRefresh, [metricDimensions.outcome])]
    ),
  ];
};

/** Four to a row. The per-operation sums are graphed apart: two of them in one graph would share metric ids. */
const tableWidgets = (table: ITable): IWidget[] => [
  graph(
    'Session table: consumed capacity units',
    [table.metricConsumedReadCapacityUnits({ label: 'read units' })],
    [table.metricConsumedWriteCapacityUnits({ label: 'write units' })],
    WIDTH * 0.75
  ),
  graph(
    'Session table: throttled requests',
    [table.metricThrottledRequestsForOperations({ operations: [...TABLE_OPERATIONS], label: 'throttled' })],
    [],
    WIDTH * 0.75
  ),
  graph(
    'Session table: system errors',
    [table.metricSystemErrorsForOperations({ operations: [...TABLE_OPERATIONS], label: 'system errors' })],
    [],
    WIDTH * 0.75
  ),
  graph(
    'Session table: latency (ms)',
    [
      table.metricSuccessfulRequestLatency({ dimensionsMap: { Operation: 'GetItem' }, label: 'GetItem' }),
      table.metricSuccessfulRequestLatency({ dimensionsMap: { Operation: 'PutItem' }, label: 'PutItem' }),
    ],
    [],
    WIDTH * 0.75
  ),
];

const lambdaWidgets = (functions: ReadonlyMap<string, IFunction>): IWidget[] => {
  const each = (metric: (fn: IFunction, name: string) => IMetric) =>
    [...functions].map(([name, fn]) => metric(fn, name));
  return [
    graph(
      'Lambda concurrency per function (right: account unreserved)',
      each((fn, name) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum', label: name })),
      [
        new Metric({
          namespace: 'AWS/Lambda',
          metricName: 'UnreservedConcurrentExecutions',
          statistic: 'Maximum',
          label: 'account unreserved',
        }),
      ]
    ),
    graph(
      'Lambda errors per function',
      each((fn, name) => fn.metricErrors({ statistic: 'Sum', label: name }))
    ),
    graph(
      'Lambda throttles per function',
      each((fn, name) => fn.metricThrottles({ statistic: 'Sum', label: name }))
    ),
  ];
};

export type { OperationsDashboardProps };
export { OperationsDashboard };
