import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { HttpApi, IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AUTHORIZER_FUNCTION } from '../functions/shared/contract/routes.js';
import { ApiDomain } from './constructs/api-domain.js';
import { OperationalAlarms } from './constructs/operational-alarms.js';
import { OperationsDashboard } from './constructs/operations-dashboard.js';
import { ValidationError } from './validation-error.js';

/** The stack props that tune what ops get. */
interface OperationsSettings {
  /**
   * Subscribe this address to the alarm topic (AWS mails a confirmation first). Not with `alarmTopicArn`.
   * @default - no subscription: subscribe to the `AlarmTopicArn` output yourself
   */
  readonly alarmEmail?: string;
  /**
   * Send the alarms to this existing SNS topic instead of a new one.
   * @default - a new topic
   */
  readonly alarmTopicArn?: string;
  /**
   * A custom domain for the API (regional, TLS 1.2), with `certificateArn`.
   * @default - none: clients call the execute-api URL
   */
  readonly domainName?: string;
  /**
   * The ACM certificate (in the stack's region) for `domainName`.
   * @default - none; required with `domainName`
   */
  readonly certificateArn?: string;
  /**
   * Switch the execute-api endpoint off; only with `domainName` (a validation error otherwise).
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
  /**
   * Set when the WAF front door is on (`-c frontDoor=true`); a custom domain is then refused (see domainOf).
   * @default - no front door
   */
  readonly frontDoorWebAclArn?: string;
}

/** What the operations constructs watch and front: a WeChatLoginApi's members. */
interface OperatedParts {
  /** Function name (routes.ts `fn`) → its construct; must hold the authorizer and login. */
  readonly functions: ReadonlyMap<string, { readonly fn: IFunction }>;
  readonly httpApi: HttpApi;
  readonly stage: IHttpStage;
  readonly table: ITable;
  /** `serviceName`: the functions' POWERTOOLS_SERVICE_NAME, the business metrics' `service` dimension. */
  readonly settings: { readonly serviceName: string };
}

interface Operations {
  readonly alarms: OperationalAlarms;
  readonly dashboard: OperationsDashboard;
  readonly domain?: ApiDomain;
}

/** The function behind POST /login (routes.ts). */
const LOGIN_FUNCTION = 'login';

const domainOf = (stack: Stack, settings: OperationsSettings, parts: OperatedParts): ApiDomain | undefined => {
  const { domainName, certificateArn, disableExecuteApiEndpoint } = settings;
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new ValidationError('domainName and certificateArn go together: give both or neither', stack);
  }
  if (disableExecuteApiEndpoint && domainName === undefined) {
    throw new ValidationError(
      'disableExecuteApiEndpoint needs a custom domain (domainName and certificateArn): without one the API ' +
        'would have no endpoint at all',
      stack
    );
  }
  if (domainName !== undefined && settings.frontDoorWebAclArn !== undefined) {
    throw new ValidationError(
      'domainName cannot be combined with frontDoor: the custom domain would map straight to the API, around ' +
        "CloudFront and its WAF (and disableExecuteApiEndpoint would switch off the front door's origin). " +
        'Use one or the other; with the front door, point your domain at its CloudFront distribution',
      stack
    );
  }
  if (domainName === undefined || certificateArn === undefined) return undefined;
  return new ApiDomain(stack, 'CustomDomain', {
    httpApi: parts.httpApi,
    stage: parts.stage,
    domainName,
    certificateArn,
    disableExecuteApiEndpoint: disableExecuteApiEndpoint ?? false,
  });
};

/**
 * Wires the operations side onto a login stack: the alarms and their SNS topic, the dashboard, and the custom domain
 * when one is configured. Outputs the topic's ARN (subscribe to it) and the domain's DNS target.
 */
const addOperations = (stack: Stack, settings: OperationsSettings, parts: OperatedParts): Operations => {
  const domain = domainOf(stack, settings, parts);
  const functionNamed = (name: string): IFunction => {
    const found = parts.functions.get(name);
    if (!found) throw new ValidationError(`No function named "${name}" to watch`, stack);
    return found.fn;
  };
  const { serviceName } = parts.settings;
  const alarms = new OperationalAlarms(stack, 'Alarms', {
    authorizerFunction: functionNamed(AUTHORIZER_FUNCTION),
    loginFunction: functionNamed(LOGIN_FUNCTION),
    httpApi: parts.httpApi,
    table: parts.table,
    serviceName,
    ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
    ...(settings.alarmTopicArn === undefined ? {} : { alarmTopicArn: settings.alarmTopicArn }),
  });
  const dashboard = new OperationsDashboard(stack, 'Dashboard', {
    functions: new Map([...parts.functions].map(([name, construct]) => [name, construct.fn])),
    authorizerFunction: functionNamed(AUTHORIZER_FUNCTION),
    httpApi: parts.httpApi,
    table: parts.table,
    alarms: [...alarms.alarms.values()],
    serviceName,
  });
  new CfnOutput(stack, 'AlarmTopicArn', {
    description: 'SNS topic every alarm notifies (subscribe an address or a chat integration to it)',
    value: alarms.topic.topicArn,
  });
  return { alarms, dashboard, ...(domain ? { domain } : {}) };
};

export type { OperatedParts, Operations, OperationsSettings };
export { addOperations };
