/**
 * The local twin: `npm start` runs the deployed handlers behind an API Gateway stand-in, on DynamoDB Local and a
 * WeChat stub, with no AWS account. Configuration uses the Lambdas' own variable names (README, Configuration).
 */
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AUTHORIZER_FUNCTION, functionNames, routeKeyOf, routes } from '../../functions/shared/contract/routes.js';
import type { ThrottleLimits } from '../../functions/shared/contract/throttles.js';
import { readWeChatConfig } from '../../functions/shared/runtime/config.js';
import { createLocalApi, DEFAULT_CONCURRENCY } from './api-server.js';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { deployedFunction, hostedRoutes } from './hosted-routes.js';
import type { LambdaHandler } from './lambda-runtime.js';
import { type LocalRouteEntry, loadLocalHandler, readLocalRoutes } from './local-routes.js';
import { ensureSessionTable } from './session-table.js';
import { applyLocalDefaults, readCdkContext, readTwinSettings, required, type TwinSettings } from './twin-settings.js';
import { type RunningWeChatStub, startWeChatStub } from './wechat-stub.js';

const env = process.env;
/** The stack's cdk.json: the twin throttles with the numbers its context sets, as the stack does. */
const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));
/**
 * The apps the stub serves: the ones the handlers are configured with (WECHAT_APPS, or WECHAT_APP_ID and
 * WECHAT_APP_SECRET), read by the handlers' own config module so a malformed WECHAT_APPS stops the twin by name.
 */
const stubApps = (): Record<string, string> => {
  const { appSecrets } = readWeChatConfig(env);
  if (appSecrets.kind !== 'values') throw new Error('The WeChat stub needs the app secrets themselves (WECHAT_APPS)');
  return { ...appSecrets.values };
};

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

const stopWithParentOrSignal = (): void => {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGHUP', () => void stopAll(0));
  // If whatever started us dies without a signal reaching us (npm killed hard), don't live on as an orphan.
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid) void stopAll(0);
  }, 1000).unref();
};

/** DynamoDB Local (unless DYNAMODB_ENDPOINT is set) with the session table, and the WeChat stub (unless a URL is). */
const startBackingServices = async (settings: TwinSettings): Promise<void> => {
  if (!env.DYNAMODB_ENDPOINT) {
    started.dynamodb = await startDynamoDbLocal();
    env.DYNAMODB_ENDPOINT = started.dynamodb.endpoint;
  }
  const client = new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT,
    region: required(env, 'AWS_REGION'),
    credentials: {
      accessKeyId: required(env, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'AWS_SECRET_ACCESS_KEY'),
    },
  });
  await ensureSessionTable(client, required(env, 'TABLE_NAME'));
  if (!env.WECHAT_API_BASE_URL && !env.WECHAT_API_BASE_URLS) {
    started.stub = await startWeChatStub({ apps: stubApps(), port: settings.stubPort });
    env.WECHAT_API_BASE_URL = started.stub.baseUrl;
  }
};

/**
 * Handlers read their configuration at import, as at a Lambda cold start: import them now that it is set, all at
 * once, so a configuration error stops the twin here rather than on the first request.
 */
const loadHandlers = async (localEntries: readonly LocalRouteEntry[]): Promise<Map<string, LambdaHandler>> => {
  const handlers = new Map<string, LambdaHandler>();
  for (const name of functionNames()) {
    const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: LambdaHandler };
    handlers.set(name, module.handler);
  }
  for (const entry of localEntries) {
    if (!handlers.has(entry.fn.name)) handlers.set(entry.fn.name, await loadLocalHandler(entry));
  }
  return handlers;
};

const serve = async (settings: TwinSettings, localEntries: readonly LocalRouteEntry[]): Promise<string> => {
  const handlers = await loadHandlers(localEntries);
  const server = createLocalApi({
    routes: hostedRoutes(settings.throttles, localEntries),
    authorizer: deployedFunction(AUTHORIZER_FUNCTION),
    loadHandler: async (name) => {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`No handler for ${name}`);
      return handler;
    },
    authorizerCacheTtlSeconds: settings.authorizerCacheTtlSeconds,
    accessLog: (line) => console.log(line),
    errorLog: (line) => console.error(line),
    concurrency: settings.concurrency,
    trustForwardedFor: settings.trustForwardedFor,
  });
  await listen(server, settings);
  const address = server.address();
  return `http://${settings.host}:${typeof address === 'object' && address ? address.port : settings.port}`;
};

const listen = async (server: Server, settings: TwinSettings): Promise<void> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  started.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
};

const throttleText = (limits: ThrottleLimits): string => `${limits.rateLimit}/s (burst ${limits.burstLimit})`;

const banner = (url: string, settings: TwinSettings, localEntries: readonly LocalRouteEntry[]): string =>
  [
    '',
    `Local API ready on ${url}`,
    `  DynamoDB:   ${env.DYNAMODB_ENDPOINT}${started.dynamodb ? ' (DynamoDB Local, in memory, 127.0.0.1 only)' : ''}`,
    `  Table:      ${env.TABLE_NAME}`,
    `  WeChat:     ${env.WECHAT_API_BASE_URLS ?? env.WECHAT_API_BASE_URL}${started.stub ? ' (stub: `alice.1` and `alice.2` log in one user; `invalid*` and `errcode<N>*` codes fail; README, The WeChat stub)' : ''}`,
    `  Authorizer cache: ${settings.authorizerCacheTtlSeconds > 0 ? `${settings.authorizerCacheTtlSeconds} s` : 'off'}`,
    `  Client IP:  ${settings.trustForwardedFor ? 'first X-Forwarded-For entry (TRUST_X_FORWARDED_FOR=true)' : 'the socket'}`,
    `  Throttles:  ${throttleText(settings.throttles.default)} per route, ${throttleText(settings.throttles.openRoutes)} on open routes`,
    `  Routes:     ${routes.map(routeKeyOf).join(', ')}`,
    ...(localEntries.length > 0
      ? [`  Local routes (${settings.localRoutesFile}): ${localEntries.map((entry) => entry.routeKey).join(', ')}`]
      : []),
    '',
    'Try it:',
    `  curl -s -X POST ${url}/login -H 'content-type: application/json' -d '{"code":"alice.1"}'`,
    `  curl -s ${url}/me -H "X-Session-Id: <sessionId from the login reply>"`,
    '',
  ].join('\n');

const main = async (): Promise<void> => {
  applyLocalDefaults(env);
  const settings = readTwinSettings(env, DEFAULT_CONCURRENCY, readCdkContext(CDK_JSON));
  // A malformed routes file stops the twin before anything is started.
  const localEntries = settings.localRoutesFile
    ? readLocalRoutes(settings.localRoutesFile, routes.map(routeKeyOf), functionNames())
    : [];
  await startBackingServices(settings);
  const url = await serve(settings, localEntries);
  console.log(banner(url, settings, localEntries));
};

stopWithParentOrSignal();
main().catch((error: unknown) => {
  console.error(`The local twin could not start: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
