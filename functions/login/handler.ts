import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { appSecretProvider } from '../shared/runtime/app-secret.js';
import { readSessionConfig, readWeChatConfig } from '../shared/runtime/config.js';
import { bodySizeLimit, httpErrors, json } from '../shared/http/http.js';
import type { SessionStore } from '../shared/sessions/session-store.js';
import { createSessionStore } from '../shared/composition-roots/sessions.js';
import { WeChatClient } from '../shared/wechat/client.js';
import { MAX_BODY_BYTES, parseLoginRequest } from './request.js';

interface LoginDependencies {
  sessions: Pick<SessionStore, 'create'>;
  wechat: Pick<WeChatClient, 'exchangeCode'>;
}

/** POST /login: wx.login() code in, our own session id out. session_key never leaves the server. */
const createHandler = ({ sessions, wechat }: LoginDependencies) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .use(bodySizeLimit(MAX_BODY_BYTES))
    // Parse whatever the Content-Type says (fetch without a header sends text/plain): not JSON is a 400 either way.
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(async (event) => {
      const { code } = parseLoginRequest(event.body);
      const identity = await wechat.exchangeCode(code);
      const session = await sessions.create(identity);
      return json(200, { sessionId: session.sessionId, expiresAt: session.expiresAt.toISOString() });
    });

const wechatConfig = readWeChatConfig();
const handler = createHandler({
  sessions: createSessionStore(readSessionConfig()),
  wechat: new WeChatClient({ ...wechatConfig, appSecret: appSecretProvider(wechatConfig.appSecret) }),
});

export { createHandler, handler };
