/**
 * The local twin: `npm start` runs the deployed handlers behind an API Gateway stand-in, on DynamoDB Local and a
 * WeChat stub, with no AWS account. Configuration uses the Lambdas' own variable names (README, Configuration).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionNames, routeKeyOf, routes } from '../../functions/shared/contract/routes.js';
import { DEFAULT_CONCURRENCY, createLocalApi, type LambdaHandler } from './api-server.js';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { ensureSessionTable } from './session-table.js';
import { type RunningWeChatStub, startWeChatStub } from './wechat-stub.js';

const env = process.env;
const localDefaults: Record<string, string> = {
  TABLE_NAME: 'wechat-login-sessions',
  WECHAT_APP_ID: 'wx00000000local000',
  WECHAT_APP_SECRET: 'local-app-secret',
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_SERVICE_NAME: 'wechat-login-local',
};
for (const [name, value] of Object.entries(localDefaults)) env[name] ||= value;

const host = env.HOST || '127.0.0.1';
/** The twin's own settings: whole numbers, refused by name when malformed rather than silently read as 0. */
const wholeNumber = (name: string, fallback: number, { min = 0 } = {}): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    console.error(
      `The local twin could not start: ${name} must be a whole number${min ? ` of at least ${min}` : ''}, got "${raw}"`
    );
    process.exit(1);
  }
  return Number(raw);
};

const port = wholeNumber('PORT', 3000);
const cacheTtlSeconds = wholeNumber('AUTHORIZER_CACHE_TTL_SECONDS', 0);
const stubPort = wholeNumber('WECHAT_STUB_PORT', 0);
const concurrency = wholeNumber('LOCAL_CONCURRENCY', DEFAULT_CONCURRENCY, { min: 1 });

const started: { dynamodb?: RunningDynamoDbLocal; stub?: RunningWeChatStub; close?: () => Promise<void> } = {};
let stopping = false;

const stopAll = async (exitCode: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    await started.close?.().catch(() => undefined);
    await started.stub?.stop().catch(() => undefined);
    await started.dynamodb?.stop().catch(() => undefined);
  }
  process.exit(exitCode);
};

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));
// If whatever started us dies without a signal reaching us (npm killed hard), don't live on as an orphan.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void stopAll(0);
}, 1000).unref();

const main = async (): Promise<void> => {
  if (!env.DYNAMODB_ENDPOINT) {
    started.dynamodb = await startDynamoDbLocal();
    env.DYNAMODB_ENDPOINT = started.dynamodb.endpoint;
  }
  const tableName = env.TABLE_NAME as string;
  await ensureSessionTable(
    new DynamoDBClient({
      endpoint: env.DYNAMODB_ENDPOINT,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    }),
    tableName
  );

  if (!env.WECHAT_API_BASE_URL) {
    started.stub = await startWeChatStub({
      appId: env.WECHAT_APP_ID!,
      appSecret: env.WECHAT_APP_SECRET!,
      port: stubPort,
    });
    env.WECHAT_API_BASE_URL = started.stub.baseUrl;
  }

  // Handlers read their configuration at import, as at a Lambda cold start: import them now that it is set, all at
  // once, so a configuration error stops the twin here rather than on the first request.
  const handlers = new Map<string, LambdaHandler>();
  for (const name of functionNames()) {
    const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: LambdaHandler };
    handlers.set(name, module.handler);
  }

  const server = createLocalApi({
    routes,
    loadHandler: async (name) => {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`No handler for ${name}`);
      return handler;
    },
    authorizerCacheTtlSeconds: cacheTtlSeconds,
    accessLog: (line) => console.log(line),
    errorLog: (line) => console.error(line),
    concurrency,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  started.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  console.log(
    [
      '',
      `Local API ready on ${url}`,
      `  DynamoDB:   ${env.DYNAMODB_ENDPOINT}${started.dynamodb ? ' (DynamoDB Local, in memory)' : ''}`,
      `  Table:      ${tableName}`,
      `  WeChat:     ${env.WECHAT_API_BASE_URL}${started.stub ? ' (stub: `alice.1` and `alice.2` log in one user; `invalid*` and `errcode<N>*` codes fail; README, The WeChat stub)' : ''}`,
      `  Authorizer cache: ${cacheTtlSeconds > 0 ? `${cacheTtlSeconds} s` : 'off'}`,
      `  Routes:     ${routes.map(routeKeyOf).join(', ')}`,
      '',
      'Try it:',
      `  curl -s -X POST ${url}/login -H 'content-type: application/json' -d '{"code":"alice.1"}'`,
      `  curl -s ${url}/me -H "X-Session-Id: <sessionId from the login reply>"`,
      '',
    ].join('\n')
  );
};

main().catch((error: unknown) => {
  console.error(`The local twin could not start: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
