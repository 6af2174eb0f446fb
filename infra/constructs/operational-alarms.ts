import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { defaults } from '../../functions/shared/contract/defaults.js';
import { metricNames, metricValues } from '../../functions/shared/contract/metrics.js';
import { BusinessMetrics, TABLE_OPERATIONS } from '../business-metrics.js';
import { ValidationError } from '../validation-error.js';

interface OperationalAlarmsProps {
  /** The session authorizer: its errors and throttles turn every protected route into a 500. */
  readonly authorizerFunction: IFunction;
  /** The POST /login function. */
  readonly loginFunction: IFunction;
  readonly httpApi: IHttpApi;
  /** The session table. */
  readonly table: ITable;
  /**
   * The `service` dimension of the business metrics: the functions' POWERTOOLS_SERVICE_NAME.
   * @default functions/shared/contract/defaults.ts serviceName (`wechat-login`)
   */
  readonly serviceName?: string;
  /**
   * Notify this existing SNS topic instead of creating one (its owner manages the subscriptions).
   * @default - a new topic
   */
  readonly alarmTopicArn?: string;
  /**
   * Subscribe this address to the new topic (AWS sends a confirmation mail first). Not with `alarmTopicArn`.
   * @default - no subscription: subscribe to the `AlarmTopicArn` output yourself
   */
  readonly alarmEmail?: string;
}

/** One alarm: what it watches, when it fires, and what it tells the person it wakes. */
interface AlarmSpec {
  readonly id: string;
  /** What it means, then what to do first (the README's runbook has the same line). */
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** Consecutive 5-minute periods over the threshold. Default 1. */
  readonly periods?: number;
  /** Default: greater than or equal to the threshold. */
  readonly comparison?: ComparisonOperator;
}

const PERIOD = Duration.minutes(5);
/** Rates are only judged once this many calls or requests happened in the period. */
const MIN_SAMPLE = 20;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** `100 * part / whole` once `whole` reaches MIN_SAMPLE in the period, else 0 (no data is no alarm). */
const percentOf = (part: IMetric, whole: IMetric, label: string): MathExpression =>
  new MathExpression({
    expression: `IF(whole >= ${MIN_SAMPLE}, 100 * FILL(part, 0) / whole, 0)`,
    usingMetrics: { part, whole },
    period: PERIOD,
    label,
  });

const lambdaAlarms = (props: OperationalAlarmsProps): AlarmSpec[] => [
  {
    id: 'AuthorizerErrors',
    description:
      'The session authorizer failed (3+ errors in 5 min): API Gateway answers 500 on every protected route. ' +
      'First check the authorizer log group for the error (usually DynamoDB: throttling, permissions, outage); ' +
      'fix the table access or roll back the last deploy.',
    metric: props.authorizerFunction.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    threshold: 3,
  },
  {
    id: 'AuthorizerThrottles',
    description:
      'Lambda throttled the session authorizer: protected requests get 500. First check the account concurrency ' +
      '(ConcurrentExecutions, and which function uses it); reserve concurrency for the authorizer ' +
      '(-c authorizerReservedConcurrency=N) or ask AWS for a higher quota.',
    metric: props.authorizerFunction.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
    threshold: 1,
  },
  {
    id: 'LoginErrors',
    description:
      'The login function crashed or timed out (3+ in 5 min): clients get 500 from POST /login. First check the ' +
      'login log group (init errors name the missing variable; timeouts point at WeChat or Secrets Manager); fix ' +
      'the configuration or roll back.',
    metric: props.loginFunction.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    threshold: 3,
  },
];

const apiAlarms = (props: OperationalAlarmsProps): AlarmSpec[] => [
  {
    id: 'Api5xxRate',
    description:
      'Over 5% of API requests answered 5xx in 5 min (at least 20 requests). First check the AuthorizerErrors and ' +
      'LoginErrors alarms and the access log (integrationError, authorizerError); then the failing route’s function logs.',
    metric: percentOf(
      props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      props.httpApi.metricCount({ period: PERIOD, statistic: 'Sum' }),
      '5xx %'
    ),
    threshold: 5,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  },
  {
    id: 'ApiLatencyP99',
    description:
      'The API’s p99 latency stayed above 3 s for 15 min. First check the dashboard: authorizer duration and ' +
      'DynamoDB latency, then the WeChat calls (login, phone); a slow dependency or a cold-start storm is the usual cause.',
    metric: props.httpApi.metricLatency({ period: PERIOD, statistic: 'p99' }),
    threshold: 3000,
    periods: 3,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  },
];

const tableAlarms = (props: OperationalAlarmsProps): AlarmSpec[] => [
  {
    id: 'DynamoDbThrottles',
    description:
      'DynamoDB throttled requests on the session table: the authorizer and login fail with 500. First check the ' +
      'table’s consumed capacity on the dashboard and the account’s on-demand table limits; raise the limit (Service ' +
      'Quotas) or find the runaway caller.',
    metric: props.table.metricThrottledRequestsForOperations({ operations: [...TABLE_OPERATIONS], period: PERIOD }),
    threshold: 1,
  },
  {
    id: 'DynamoDbSystemErrors',
    description:
      'DynamoDB answered with internal errors (3+ in 5 min): requests fail with 500 after the SDK’s retries. First ' +
      'check the AWS Health Dashboard for DynamoDB in this region; nothing to fix on our side unless it persists.',
    metric: props.table.metricSystemErrorsForOperations({ operations: [...TABLE_OPERATIONS], period: PERIOD }),
    threshold: 3,
  },
];

const wechatAlarms = (metrics: BusinessMetrics): AlarmSpec[] => {
  const { errcodes } = metricValues;
  const calls = metrics.sum(metricNames.wechatCall, {}, 'WeChat calls');
  const errcode = (code: string) => metrics.sum(metricNames.wechatCall, { errcode: code }, `errcode ${code}`);
  return [
    {
      id: 'WeChatMisconfigured',
      description:
        'WeChat rejected our AppID (40013) or AppSecret (40125): every login fails with 500. First check the secret ' +
        'in Secrets Manager against the AppSecret in mp.weixin.qq.com (it changes when someone resets it) and the ' +
        'WECHAT_APP_ID; put the right value (functions pick it up within minutes).',
      metric: new MathExpression({
        expression: 'FILL(appid, 0) + FILL(secret, 0)',
        usingMetrics: { appid: errcode(errcodes.invalidAppId), secret: errcode(errcodes.invalidAppSecret) },
        period: PERIOD,
        label: '40013 + 40125',
      }),
      threshold: 1,
    },
    ...wechatRateAlarms(calls, errcode),
  ];
};

const wechatRateAlarms = (calls: IMetric, errcode: (code: string) => IMetric): AlarmSpec[] => {
  const { errcodes } = metricValues;
  return [
    {
      id: 'WeChatBusyRate',
      description:
        'Over 10% of WeChat calls answered -1 (system busy) for 10 min: logins fail with 503 wechat_busy. First ' +
        'check WeChat’s status (developers.weixin.qq.com community); nothing to fix on our side, clients retry.',
      metric: percentOf(errcode(errcodes.busy), calls, '-1 %'),
      threshold: 10,
      periods: 2,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    },
    {
      id: 'WeChatLoginTooFrequentRate',
      description:
        'Over 5% of WeChat calls answered 45011 (one user logging in too often): a client is probably looping on ' +
        'wx.login(). First check the login refusals on the dashboard and the client release; fix the client loop.',
      metric: percentOf(errcode(errcodes.loginTooFrequent), calls, '45011 %'),
      threshold: 5,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    },
    {
      id: 'WeChatAccessTokenRejected',
      description:
        'WeChat rejected our access_token (40001) 3+ times in 5 min: something else is refreshing this AppID’s token ' +
        '(a non-stable getAccessToken elsewhere invalidates ours). First find the other caller; move it to ' +
        'stable_token or to this service.',
      metric: errcode(errcodes.accessTokenInvalid),
      threshold: 3,
    },
  ];
};

const rateLimitAlarm = (metrics: BusinessMetrics): AlarmSpec => ({
  id: 'RateLimitRefusalSpike',
  description:
    'Over 300 requests in 5 min were refused by the per-client rate limits: a flood from one client, or limits ' +
    'too tight for real traffic. First check the refusals by limit on the dashboard and the access log’s source ' +
    'IPs; block the source at the front door, or raise the limit.',
  metric: metrics.sum(metricNames.rateLimitRefusal, {}, 'rate-limit refusals'),
  threshold: 300,
  comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
});

/**
 * The alarms an on-call engineer needs for this backend, each notifying one SNS topic (on alarm and on recovery).
 * Each alarm's description says what it means and what to check first; README.md's runbook repeats them.
 *
 * @example
 * new OperationalAlarms(this, 'Alarms', {
 *   authorizerFunction, loginFunction, httpApi, table, alarmEmail: 'ops@example.com',
 * });
 */
class OperationalAlarms extends Construct {
  readonly topic: ITopic;
  /** Alarm id (`AuthorizerErrors`, `WeChatMisconfigured`, ...) → the alarm. */
  readonly alarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.validate(props);
    this.topic = this.createTopic(props);
    const metrics = new BusinessMetrics(props.serviceName ?? defaults.serviceName, PERIOD);
    const specs = [
      ...lambdaAlarms(props),
      ...apiAlarms(props),
      ...tableAlarms(props),
      ...wechatAlarms(metrics),
      rateLimitAlarm(metrics),
    ];
    this.alarms = new Map(specs.map((spec) => [spec.id, this.createAlarm(spec)]));
  }

  private validate(props: OperationalAlarmsProps): void {
    const { alarmEmail, alarmTopicArn } = props;
    if (alarmEmail !== undefined && alarmTopicArn !== undefined) {
      throw new ValidationError(
        'give alarmEmail or alarmTopicArn, not both: subscribe the address where the existing topic is managed',
        this
      );
    }
    if (alarmEmail !== undefined && !Token.isUnresolved(alarmEmail) && !EMAIL.test(alarmEmail)) {
      throw new ValidationError(`alarmEmail must be an e-mail address, got "${alarmEmail}"`, this);
    }
    if (alarmTopicArn !== undefined && !Token.isUnresolved(alarmTopicArn) && !TOPIC_ARN.test(alarmTopicArn)) {
      throw new ValidationError(`alarmTopicArn must be an SNS topic ARN, got "${alarmTopicArn}"`, this);
    }
  }

  private createTopic(props: OperationalAlarmsProps): ITopic {
    if (props.alarmTopicArn !== undefined) return Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn);
    const topic = new Topic(this, 'Topic', {
      displayName: `${Stack.of(this).stackName} alarms`,
      enforceSSL: true,
    });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The topic carries only alarm names, states and metric values, no user data. CloudWatch alarms cannot ' +
        'publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key for this adds cost ' +
        'and a key policy to maintain for nothing secret.',
    });
    if (props.alarmEmail !== undefined) {
      const subscription = topic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail subscription: SNS retries delivery itself, and an alarm whose mail is lost stays visible in ' +
          'its ALARM state in CloudWatch; a dead-letter queue for alarm mail would be a queue nobody reads.',
      });
    }
    return topic;
  }

  private createAlarm(spec: AlarmSpec): Alarm {
    const periods = spec.periods ?? 1;
    const alarm = new Alarm(this, spec.id, {
      alarmName: `${Stack.of(this).stackName}-${spec.id}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

export type { OperationalAlarmsProps };
export { OperationalAlarms };
