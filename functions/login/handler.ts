import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLoginLimit } from '../shared/composition-roots/limits.js';
import { createLoginReplay } from '../shared/composition-roots/login-replay.js';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { createWeChatApps } from '../shared/composition-roots/wechat-client.js';
import { sourceIpOf } from '../shared/http/caller.js';
import { answerBeforeTimeout, bodySizeLimit, httpErrors, json } from '../shared/http/http.js';
import { requireFrontDoor } from '../shared/http/origin-verify.js';
import { countOutcomes } from '../shared/http/outcome-metric.js';
import { CODE_BODY_MAX_BYTES } from '../shared/http/request-body.js';
import type { RateLimiter } from '../shared/limits/rate-limiter.js';
import type { LoginReplay } from '../shared/login/login-replay.js';
import {
  readLoginLimitConfig,
  readSessionConfig,
  readSessionLimitConfig,
  readWeChatConfig,
} from '../shared/runtime/config.js';
import { createDocumentClient } from '../shared/runtime/dynamodb.js';
import { metrics } from '../shared/runtime/metrics.js';
import { withTimeBudget } from '../shared/runtime/time-budget.js';
import { DynamoDbSessionPersistence } from '../shared/sessions/dynamodb-session-persistence.js';
import type { SessionStore } from '../shared/sessions/session-store.js';
import type { WeChatApps } from '../shared/wechat/apps.js';
import { parseLoginRequest } from './request.js';

interface LoginDependencies {
  sessions: Pick<SessionStore, 'create'>;
  apps: Pick<WeChatApps, 'resolve' | 'client'>;
  /** Login attempts per client IP: counted after the body is checked (bad input writes nothing), before WeChat. */
  attempts: Pick<RateLimiter, 'take'>;
  /**
   * Replay-safe login, per app (a code is issued to one mini program): the same code again within 5 minutes gets the
   * same reply without asking WeChat again. Default: none (every request asks WeChat).
   */
  replay?: (appId: string) => Pick<LoginReplay, 'run'>;
}

const noReplay: Pick<LoginReplay, 'run'> = { run: (_code, login) => login() };

/**
 * POST /login: wx.login() code (and the mini program's AppID) in, our own session id out. The code is exchanged with
 * that app's AppID and secret; session_key never leaves the server.
 */
const createHandler = ({ sessions, apps, attempts, replay = () => noReplay }: LoginDependencies) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(answerBeforeTimeout)
    .use(countOutcomes(metrics.login))
    .use(httpErrors())
    // With the WAF front door on, a request that skipped CloudFront gets 403 before anything is counted or called.
    .use(requireFrontDoor())
    .use(bodySizeLimit(CODE_BODY_MAX_BYTES))
    // Parse whatever the Content-Type says (fetch without a header sends text/plain): not JSON is a 400 either way.
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(
      withTimeBudget(async (event: APIGatewayProxyEventV2) => {
        const request = parseLoginRequest(event.body);
        const appId = apps.resolve(request.appId);
        await attempts.take(sourceIpOf(event));
        const reply = await replay(appId).run(request.code, async () => {
          const identity = await apps.client(appId).exchangeCode(request.code);
          const session = await sessions.create({ ...identity, appId });
          if (session.isNewUser) metrics.newUser();
          return {
            sessionId: session.sessionId,
            expiresAt: session.expiresAt.toISOString(),
            isNewUser: session.isNewUser,
          };
        });
        return json(200, reply);
      })
    );

const sessionConfig = readSessionConfig();
const wechatConfig = readWeChatConfig();
const db = createDocumentClient(sessionConfig);
const sessions = createSessionStore(sessionConfig, {
  persistence: new DynamoDbSessionPersistence(db, sessionConfig.tableName),
  ...readSessionLimitConfig(),
});
const replays = new Map(
  wechatConfig.appIds.map((appId) => [appId, createLoginReplay(db, sessionConfig, appId, sessions)])
);
const handler = createHandler({
  sessions,
  apps: createWeChatApps(wechatConfig),
  attempts: createLoginLimit(db, sessionConfig, readLoginLimitConfig()),
  replay: (appId) => replays.get(appId) ?? noReplay,
});

export { createHandler, handler };
