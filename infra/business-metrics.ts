import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import {
  METRICS_NAMESPACE,
  type MetricDimension,
  type MetricName,
  metricDimensionSets,
  metricDimensions,
} from '../functions/shared/contract/metrics.js';

/**
 * The functions' business metrics (functions/shared/contract/metrics.ts) as CloudWatch metrics, for the alarms and
 * the dashboard. Refuses a dimension combination the functions never emit, which CloudWatch would accept and leave
 * empty forever.
 */
class BusinessMetrics {
  constructor(
    /** The `service` dimension: the functions' POWERTOOLS_SERVICE_NAME. */
    private readonly serviceName: string,
    private readonly period: Duration
  ) {}

  /**
   * The sum of one metric over one of its emitted dimension sets.
   *
   * @example
   * metrics.sum('WeChatCall', { errcode: '40125' }, 'AppSecret rejected');
   */
  sum(name: MetricName, dimensions: Partial<Record<MetricDimension, string>> = {}, label?: string): Metric {
    const keys = Object.keys(dimensions).sort();
    const emitted = metricDimensionSets[name].some((set) => [...set].sort().join() === keys.join());
    if (!emitted) {
      throw new Error(`${name} is not emitted with the dimensions [${keys.join(', ')}] (see contract/metrics.ts)`);
    }
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { [metricDimensions.service]: this.serviceName, ...dimensions },
      statistic: 'Sum',
      period: this.period,
      ...(label ? { label } : {}),
    });
  }
}

/**
 * The operations the functions use on the session table, for the per-operation DynamoDB metrics (ThrottledRequests
 * and SystemErrors exist only per operation). Seven: a CloudWatch alarm's math takes at most ten metrics.
 */
const TABLE_OPERATIONS: readonly Operation[] = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

export { BusinessMetrics, TABLE_OPERATIONS };
