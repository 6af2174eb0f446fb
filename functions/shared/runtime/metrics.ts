import {
  METRICS_NAMESPACE,
  type MetricDimension,
  type MetricName,
  metricDimensionSets,
  metricDimensions,
  metricNames,
  metricValues,
} from '../contract/metrics.js';
import { readMetricsEnabled, readServiceName } from './config.js';

/**
 * The business metrics, as the domain records them: one call per event, no AWS types. Each call writes one CloudWatch
 * embedded-metric-format record to stdout, so nothing is buffered and no handler has to flush; CloudWatch turns the
 * log line into the metric, with no API call from the function. Names and dimensions: contract/metrics.ts.
 *
 * Values are closed sets (outcomes, reasons, API names, WeChat errcodes, limit names): never an id, a key, a token or
 * a phone number, which test/logs/metric-hygiene.test.ts checks over the whole flow.
 *
 * @example
 * import { metrics } from '../runtime/metrics.js';
 * metrics.wechatCall('jscode2session', 40029);
 */
interface BusinessMetrics {
  /** A POST /login answer: `success`, or the refusal's error code (`invalid_code`, `rate_limited`, ...). */
  login(outcome: string): void;
  /** A login that created the user record: the first login of this openid, ever. */
  newUser(): void;
  /** An authorizer answer: allow (`live`, `renewed`) or deny (`malformed`, `unknown`, `expired`). */
  authorizerDecision(reason: AuthorizerReason): void;
  /** A WeChat API answered with `errcode` (0 for success), or did not answer at all (`undefined`). */
  wechatCall(api: WeChatApi, errcode: number | undefined): void;
  /** A request refused by one of the project's own rate limits, named by `limit` (e.g. `login_per_ip`). */
  rateLimitRefusal(limit: string): void;
  /** An access_token refresh through stable_token, successful or not. */
  accessTokenRefresh(succeeded: boolean): void;
}

type AuthorizerReason = keyof typeof metricValues.authorizerReasons;
type WeChatApi = (typeof metricValues.wechatApis)[keyof typeof metricValues.wechatApis];
type Dimensions = Partial<Record<MetricDimension, string>>;

/** Where one count goes. The production sink writes EMF; tests pass their own to see what was recorded. */
type MetricSink = (name: MetricName, dimensions: Dimensions) => void;

const ALLOW_REASONS: ReadonlySet<AuthorizerReason> = new Set(['live', 'renewed']);

/** Dimension values CloudWatch accepts and dashboards can read: short, printable, no separators. */
const dimensionValue = (value: string): string => value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'unknown';

const businessMetrics = (sink: MetricSink): BusinessMetrics => ({
  login: (outcome) => sink(metricNames.login, { outcome: dimensionValue(outcome) }),
  newUser: () => sink(metricNames.newUser, {}),
  authorizerDecision: (reason) =>
    sink(metricNames.authorizerDecision, {
      decision: ALLOW_REASONS.has(reason) ? metricValues.decisions.allow : metricValues.decisions.deny,
      reason: metricValues.authorizerReasons[reason],
    }),
  wechatCall: (api, errcode) =>
    sink(metricNames.wechatCall, {
      api,
      errcode: Number.isSafeInteger(errcode) ? String(errcode) : metricValues.errcodes.noAnswer,
    }),
  rateLimitRefusal: (limit) => sink(metricNames.rateLimitRefusal, { limit: dimensionValue(limit) }),
  accessTokenRefresh: (succeeded) =>
    sink(metricNames.accessTokenRefresh, {
      outcome: succeeded ? metricValues.refreshOutcomes.success : metricValues.refreshOutcomes.failure,
    }),
});

/** One EMF record: the count, the dimension values, and which dimension sets CloudWatch should aggregate by. */
const emfRecord = (serviceName: string, name: MetricName, dimensions: Dimensions, timestamp: number) => ({
  _aws: {
    Timestamp: timestamp,
    CloudWatchMetrics: [
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: metricDimensionSets[name].map((set) => [metricDimensions.service, ...set]),
        Metrics: [{ Name: name, Unit: 'Count' }],
      },
    ],
  },
  [metricDimensions.service]: serviceName,
  ...Object.fromEntries(metricDimensionSets[name].flat().map((d) => [d, dimensions[d] ?? 'none'])),
  [name]: 1,
});

/**
 * EMF written straight to stdout, one JSON line per count: the record Powertools Metrics writes in single-metric
 * mode, without loading the package. The authorizer uses this one (its cold start is the API's latency floor); the
 * functions that call WeChat use Powertools (runtime/powertools-metrics.ts).
 */
const emfLineSink =
  (serviceName: string, write: (line: string) => void = (line) => process.stdout.write(line)): MetricSink =>
  (name, dimensions) =>
    write(`${JSON.stringify(emfRecord(serviceName, name, dimensions, Date.now()))}\n`);

const defaultSink: MetricSink = readMetricsEnabled() ? emfLineSink(readServiceName()) : () => undefined;
let sink: MetricSink = defaultSink;

/** The functions' metrics: one EMF line per call, through whichever sink is installed. */
const metrics: BusinessMetrics = businessMetrics((name, dimensions) => sink(name, dimensions));

/** Installs another sink (Powertools in the functions that call WeChat; a recorder in tests); `undefined` restores the default. */
const useMetricSink = (replacement: MetricSink | undefined): void => {
  sink = replacement ?? defaultSink;
};

export type { AuthorizerReason, BusinessMetrics, MetricSink, WeChatApi };
export { businessMetrics, emfLineSink, metrics, useMetricSink };
