import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  METRICS_NAMESPACE,
  metricDimensionSets,
  metricDimensions,
  metricNames,
} from '../../functions/shared/contract/metrics.js';
import { type RunningWeChatStub, startWeChatStub } from '../../infra/local/wechat-stub.js';
import { call, login, sessionIdOf } from '../support/http.js';
import { type RunningTwin, startTwin } from '../support/twin.js';

/**
 * The business metrics the running system writes (CloudWatch EMF lines on stdout), over a flow that records every
 * kind: logins that work and that WeChat or our limit refuses, protected routes, denials, the phone number and
 * session_key services, logout. No dimension or property may carry a session id, a session_key, a token, an openid or
 * a phone number: every value must be one of the closed sets the contract names (contract/metrics.ts).
 */
const APP_ID = `wx${randomBytes(8).toString('hex')}`;
const APP_SECRET = `metric-hygiene-secret-${randomBytes(12).toString('hex')}`;
const LOGIN_LIMIT = 12;

let stub: RunningWeChatStub;
let twin: RunningTwin;

interface EmfRecord {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const emfRecordsIn = (output: string): EmfRecord[] =>
  output
    .split('\n')
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);

beforeAll(async () => {
  stub = await startWeChatStub({ appId: APP_ID, appSecret: APP_SECRET });
  twin = await startTwin({
    POWERTOOLS_METRICS_DISABLED: 'false',
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    WECHAT_API_BASE_URL: stub.baseUrl,
    LOGIN_LIMIT_PER_IP_PER_MINUTE: String(LOGIN_LIMIT),
  });
});

afterAll(async () => {
  await twin?.stop();
  await stub?.stop();
});

describe('metric hygiene over the whole flow', () => {
  it('writes EMF records whose every dimension and property is a contract value, never a secret or an id', async () => {
    const base = twin.baseUrl;
    const secrets: string[] = [APP_SECRET];
    const sessions: string[] = [];
    for (const code of ['alice.1', 'bob.1']) {
      const reply = await login(base, code);
      expect(reply.status).toBe(200);
      sessions.push(sessionIdOf(reply));
    }
    secrets.push(...sessions, ...stub.latestSessionKeys.values(), ...stub.latestSessionKeys.keys());
    for (const sessionId of sessions) {
      const me = await call(base, 'GET', '/me', { sessionId });
      expect(me.status).toBe(200);
      await call(base, 'GET', '/wx/session-key/status', { sessionId });
    }
    const phone = await call(base, 'POST', '/wx/phone', { sessionId: sessions[1], body: '{"code":"bob.p1"}' });
    expect(phone.status).toBe(200);
    secrets.push(String(phone.body.phoneNumber), String(phone.body.purePhoneNumber));
    for (const code of ['invalid-code', 'errcode45011.1', 'errcode-1.1']) await login(base, code);
    expect((await call(base, 'GET', '/me', { sessionId: 'garbage' })).status).toBe(403);
    expect((await call(base, 'GET', '/me', { sessionId: randomBytes(32).toString('base64url') })).status).toBe(403);
    expect((await call(base, 'POST', '/logout', { sessionId: sessions[0] })).status).toBe(204);
    // Past the per-IP login limit: refusals are counted too.
    let refused = 0;
    for (let i = 0; i < LOGIN_LIMIT + 2; i += 1) if ((await login(base, `carol.${i}`)).status === 429) refused += 1;
    expect(refused).toBeGreaterThan(0);

    await twin.stop();
    const records = emfRecordsIn(twin.output());
    const names = new Set(records.map((record) => record._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name));
    for (const name of [
      metricNames.login,
      metricNames.wechatCall,
      metricNames.rateLimitRefusal,
      metricNames.authorizerDecision,
      metricNames.newUser,
    ]) {
      expect(names, name).toContain(name);
    }

    const allowedKeys = new Set<string>(['_aws', ...Object.values(metricDimensions), ...Object.values(metricNames)]);
    for (const record of records) {
      const [definition] = record._aws.CloudWatchMetrics;
      expect(definition?.Namespace).toBe(METRICS_NAMESPACE);
      const name = definition?.Metrics[0]?.Name as keyof typeof metricDimensionSets;
      expect(definition?.Dimensions).toEqual(metricDimensionSets[name].map((set) => ['service', ...set]));
      for (const [key, value] of Object.entries(record)) {
        expect(allowedKeys, key).toContain(key);
        if (key === '_aws') continue;
        if (key === name) expect(value).toBe(1);
        else expect(String(value)).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
      }
    }
    // The values (the EMF envelope holds only names and a timestamp, checked above).
    const text = JSON.stringify(records.map(({ _aws, ...values }) => values));
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\d{11}/);
    expect(text).not.toMatch(/stub_[A-Za-z0-9_-]{20,}/);
  }, 120_000);
});
