import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, metricDimensionSets } from '../contract/metrics.js';
import { readMetricsEnabled, readServiceName } from './config.js';
import { type MetricSink, useMetricSink } from './metrics.js';

/**
 * Powertools warns on every record whose dimension sets share a key ("defined as both a dimension set and dimension
 * set"): ours always do, by design (contract/metrics.ts), so that warning alone is dropped.
 */
const quietLogger = {
  debug: console.debug,
  info: console.info,
  warn: (message: unknown, ...rest: unknown[]) => {
    if (!/defined as both a dimension set and dimension set/.test(String(message))) console.warn(message, ...rest);
  },
  error: console.error,
};

/**
 * The metrics through Powertools Metrics in single-metric mode: one EMF record per count, flushed at once, with
 * every dimension set contract/metrics.ts lists for the metric (`service`, Powertools' default dimension, in each).
 */
const powertoolsSink = (serviceName: string): MetricSink => {
  const powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger: quietLogger });
  return (name, dimensions) => {
    const single = powertools.singleMetric();
    for (const set of metricDimensionSets[name]) {
      single.addDimensions(Object.fromEntries(set.map((dimension) => [dimension, dimensions[dimension] ?? 'none'])));
    }
    single.addMetric(name, MetricUnit.Count, 1);
  };
};

/**
 * Makes `metrics` (runtime/metrics.ts) write through Powertools. Called by the composition roots of the functions
 * that call WeChat or count limits; the authorizer never loads this module and keeps the lean EMF writer.
 */
const usePowertoolsMetrics = (serviceName: string = readServiceName()): void => {
  if (readMetricsEnabled()) useMetricSink(powertoolsSink(serviceName));
};

export { powertoolsSink, usePowertoolsMetrics };
