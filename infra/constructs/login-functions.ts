import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { DeployedVariable } from '../../functions/shared/contract/deployed-variables.js';
import { AUTHORIZER_FUNCTION, functionNames } from '../../functions/shared/contract/routes.js';
import {
  accessOf,
  assertAccessCovers,
  type FunctionAccess,
  FunctionAccessError,
  variablesOf,
} from '../function-access.js';
import { sizingOf } from '../function-sizing.js';
import { pascalCase } from '../naming.js';
import { ValidationError } from '../validation-error.js';
import type { AppSecret } from './app-secret.js';
import { BackendFunction } from './backend-function.js';
import type { LoginApiSettings } from './wechat-login-api-props.js';

interface LoginFunctionsInput {
  readonly table: ITable;
  readonly appSecret: AppSecret;
  /** The AppIDs (comma-separated), or the token of the CloudFormation parameter that asks for the one AppID. */
  readonly wechatAppId: string;
  readonly settings: LoginApiSettings;
}

/**
 * A value for every variable functions/shared/runtime/config.ts reads in AWS. Only the secret's ARN: the value is
 * fetched at run time.
 */
const configValuesOf = (input: LoginFunctionsInput): Readonly<Record<DeployedVariable, string>> => ({
  TABLE_NAME: input.table.tableName,
  WECHAT_APP_IDS: input.wechatAppId,
  MAX_SESSIONS_PER_USER: String(input.settings.maxSessionsPerUser),
  WECHAT_APP_SECRET_ARN: input.appSecret.secret.secretArn,
  WECHAT_API_BASE_URLS: input.settings.wechatApiBaseUrls.join(','),
  SESSION_TTL_SECONDS: String(input.settings.sessionTtlSeconds),
  SESSION_MAX_AGE_SECONDS: String(input.settings.sessionMaxAgeSeconds),
  LOGIN_LIMIT_PER_IP_PER_MINUTE: String(input.settings.loginLimitPerIpPerMinute),
  PHONE_LIMIT_PER_USER_PER_DAY: String(input.settings.phoneLimitPerUserPerDay),
});

/** Only the authorizer gets reserved concurrency, and only when the deployer asks for it. */
const reservedConcurrencyOf = (name: string, settings: LoginApiSettings): { reservedConcurrentExecutions?: number } =>
  name === AUTHORIZER_FUNCTION && settings.authorizerReservedConcurrency !== undefined
    ? { reservedConcurrentExecutions: settings.authorizerReservedConcurrency }
    : {};

/** The access map's own check, reported as a ValidationError naming the construct that deploys the functions. */
const checkedAccessMap = (scope: Construct, names: readonly string[]): void => {
  try {
    assertAccessCovers(names);
  } catch (error) {
    if (error instanceof FunctionAccessError) throw new ValidationError(error.message, scope);
    throw error;
  }
};

/**
 * One function per entry of functions/shared/contract/routes.ts plus the authorizer, each with the access its
 * infra/function-access.ts entry declares and the variables of the config readers its handler calls. Fails the
 * synth if a deployed function has no access entry or an entry has no function.
 */
const createLoginFunctions = (scope: Construct, input: LoginFunctionsInput): Map<string, BackendFunction> => {
  const names = functionNames();
  checkedAccessMap(scope, names);
  const configValues = configValuesOf(input);
  const environmentOf = (access: FunctionAccess): Record<string, string> => ({
    ...Object.fromEntries(variablesOf(access).map((name) => [name, configValues[name]])),
    POWERTOOLS_SERVICE_NAME: input.settings.serviceName,
  });
  const functions = new Map<string, BackendFunction>();
  for (const name of names) {
    const access = accessOf(name);
    const backendFunction = new BackendFunction(scope, pascalCase(name), {
      name,
      access,
      sizing: sizingOf(name),
      environment: environmentOf(access),
      table: input.table,
      appSecret: input.appSecret,
      logRetention: input.settings.logRetention,
      removalPolicy: input.settings.removalPolicy,
      tracing: input.settings.tracing,
      ...reservedConcurrencyOf(name, input.settings),
    });
    functions.set(name, backendFunction);
  }
  return functions;
};

export { createLoginFunctions };
