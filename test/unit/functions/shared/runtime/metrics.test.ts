import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  METRICS_NAMESPACE,
  type MetricName,
  metricDimensionSets,
  metricNames,
} from '../../../../../functions/shared/contract/metrics.js';
import { readMetricsEnabled } from '../../../../../functions/shared/runtime/config.js';
import {
  type AuthorizerReason,
  type BusinessMetrics,
  businessMetrics,
  emfLineSink,
  type MetricSink,
  metrics,
  useMetricSink,
} from '../../../../../functions/shared/runtime/metrics.js';
import { powertoolsSink } from '../../../../../functions/shared/runtime/powertools-metrics.js';

type Recorded = { name: MetricName; dimensions: Record<string, string | undefined> };

const recorder = (): { sink: MetricSink; recorded: Recorded[] } => {
  const recorded: Recorded[] = [];
  return { recorded, sink: (name, dimensions) => recorded.push({ name, dimensions: { ...dimensions } }) };
};

const recording = (use: (metrics: BusinessMetrics) => void): Recorded[] => {
  const { sink, recorded } = recorder();
  use(businessMetrics(sink));
  return recorded;
};

interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[] };
  [key: string]: unknown;
}

/** What a sink printed to stdout, as parsed EMF records. */
const printed = (emit: () => void): EmfRecord[] => {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    emit();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);
};

describe('business metrics: name and dimensions per outcome', () => {
  it.each([
    'success',
    'invalid_code',
    'user_blocked',
    'rate_limited',
    'wechat_busy',
    'wechat_unavailable',
    'wechat_misconfigured',
    'bad_request',
  ])('counts a login answered %s as Login{outcome}', (outcome) => {
    expect(recording((m) => m.login(outcome))).toEqual([{ name: 'Login', dimensions: { outcome } }]);
  });

  it('counts a new user as NewUser with no dimension of its own', () => {
    expect(recording((m) => m.newUser())).toEqual([{ name: 'NewUser', dimensions: {} }]);
  });

  it.each([
    ['live', 'allow'],
    ['renewed', 'allow'],
    ['malformed', 'deny'],
    ['unknown', 'deny'],
    ['expired', 'deny'],
  ] as const)('counts an authorizer answer for a %s session as %s', (reason, decision) => {
    expect(recording((m) => m.authorizerDecision(reason as AuthorizerReason))).toEqual([
      { name: 'AuthorizerDecision', dimensions: { decision, reason } },
    ]);
  });

  it.each([
    ['jscode2session', 0, '0'],
    ['jscode2session', 40029, '40029'],
    ['jscode2session', 45011, '45011'],
    ['jscode2session', 40125, '40125'],
    ['stable_token', 40013, '40013'],
    ['getuserphonenumber', 40001, '40001'],
    ['checksession', -1, '-1'],
    ['jscode2session', undefined, 'none'],
  ] as const)('counts %s answering %s as WeChatCall{api, errcode %s}', (api, errcode, dimension) => {
    expect(recording((m) => m.wechatCall(api, errcode))).toEqual([
      { name: 'WeChatCall', dimensions: { api, errcode: dimension } },
    ]);
  });

  it('counts rate-limit refusals by limit, and access_token refreshes by outcome', () => {
    expect(
      recording((m) => {
        m.rateLimitRefusal('login_per_ip');
        m.accessTokenRefresh(true);
        m.accessTokenRefresh(false);
      })
    ).toEqual([
      { name: 'RateLimitRefusal', dimensions: { limit: 'login_per_ip' } },
      { name: 'AccessTokenRefresh', dimensions: { outcome: 'success' } },
      { name: 'AccessTokenRefresh', dimensions: { outcome: 'failure' } },
    ]);
  });

  it('keeps dimension values short and printable, whatever a caller passes', () => {
    const [login] = recording((m) => m.login(`weird code\n${'x'.repeat(100)}`));
    expect(login?.dimensions.outcome).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });
});

describe('the EMF records', () => {
  // Powertools reads its switch when a Metrics object is made; the tests' setup turns metrics off.
  let disabled: string | undefined;
  beforeEach(() => {
    disabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterEach(() => {
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
    useMetricSink(undefined);
  });

  const expectedRecord = (name: MetricName, values: Record<string, string>) => ({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: metricDimensionSets[name].map((set) => ['service', ...set]),
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service: 'svc',
    ...values,
    [name]: 1,
  });

  it.each([
    ['emfLineSink (the authorizer’s)', emfLineSink],
    ['powertoolsSink', powertoolsSink],
  ])('%s writes one EMF line per count, with every dimension set of the contract', (_, makeSink) => {
    const sink = makeSink('svc');
    const records = printed(() => {
      sink(metricNames.wechatCall, { api: 'jscode2session', errcode: '40125' });
      sink(metricNames.newUser, {});
      sink(metricNames.authorizerDecision, { decision: 'deny', reason: 'expired' });
    });
    expect(records).toEqual([
      expectedRecord('WeChatCall', { api: 'jscode2session', errcode: '40125' }),
      expectedRecord('NewUser', {}),
      expectedRecord('AuthorizerDecision', { decision: 'deny', reason: 'expired' }),
    ]);
  });

  it('the two sinks print the same record, so the authorizer’s metrics land where the others do', () => {
    const [lean] = printed(() => emfLineSink('svc')(metricNames.login, { outcome: 'success' }));
    const [powertools] = printed(() => powertoolsSink('svc')(metricNames.login, { outcome: 'success' }));
    expect({ ...lean, _aws: { ...lean!._aws, Timestamp: 0 } }).toEqual({
      ...powertools,
      _aws: { ...powertools!._aws, Timestamp: 0 },
    });
  });

  it('`metrics` writes through the installed sink until the default is restored', () => {
    const { sink, recorded } = recorder();
    useMetricSink(sink);
    metrics.login('success');
    useMetricSink(undefined);
    metrics.login('invalid_code');
    expect(recorded).toEqual([{ name: 'Login', dimensions: { outcome: 'success' } }]);
  });

  it('POWERTOOLS_METRICS_DISABLED=true turns the metrics off (tests set it), anything else leaves them on', () => {
    expect(readMetricsEnabled({ POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(false);
    expect(readMetricsEnabled({ POWERTOOLS_METRICS_DISABLED: 'false' })).toBe(true);
    expect(readMetricsEnabled({})).toBe(true);
  });
});
