import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { AppSecret } from './constructs/app-secret.js';
import type { BackendFunction } from './constructs/backend-function.js';
import type { SessionApi } from './constructs/session-api.js';
import { WeChatLoginApi } from './constructs/wechat-login-api.js';
import type { WeChatLoginApiProps } from './constructs/wechat-login-api-props.js';
import { exportedOutputNames, exportedParameterNames } from './exported-names.js';
import { addOperations, type OperationsSettings } from './operations.js';

interface WeChatLoginStackProps extends StackProps, WeChatLoginApiProps, OperationsSettings {}

/**
 * The login backend as a deployable stack: a `WeChatLoginApi`, plus what other teams' stacks need to plug into it —
 * the API id, the authorizer id and the URL, as outputs (`ApiId`, `AuthorizerId`, `ApiUrl`) and as SSM String
 * parameters under `/wechat-login/<stackName>/` (what `WeChatLoginApi.fromStackName` reads) — and what ops need to
 * run it: alarms, a dashboard and, when configured, a custom domain (infra/operations.ts).
 */
class WeChatLoginStack extends Stack {
  readonly loginApi: WeChatLoginApi;
  readonly table: Table;
  readonly appSecret: AppSecret;
  /** Function name (routes.ts `fn`) → its construct. */
  readonly functions: ReadonlyMap<string, BackendFunction>;
  readonly api: SessionApi;

  constructor(scope: Construct, id: string, props: WeChatLoginStackProps = {}) {
    super(scope, id, {
      description: 'WeChat mini program login: session table, login/authorizer Lambdas, HTTP API',
      ...props,
    });
    // The id "Default" is left out of logical ids, so every resource keeps the logical id it had when the stack built
    // them itself: an existing deployment updates in place (the retained table and the secret are not replaced).
    this.loginApi = new WeChatLoginApi(this, 'Default', props);
    ({ table: this.table, appSecret: this.appSecret, functions: this.functions, api: this.api } = this.loginApi);
    this.publishIds();
    addOperations(this, props, this.loginApi);
    if (this.loginApi.frontDoor) {
      new CfnOutput(this, 'FrontDoorUrl', {
        description: 'CloudFront URL of the WAF front door: what clients call (the execute-api URL refuses them)',
        value: this.loginApi.frontDoor.url,
      });
    }
    new CfnOutput(this, 'SessionTableName', { description: 'DynamoDB session table', value: this.table.tableName });
    new CfnOutput(this, 'AppSecretArn', {
      description: 'Secrets Manager secret holding the WeChat AppSecret (put its value once)',
      value: this.appSecret.secret.secretArn,
    });
  }

  /** The ids other stacks attach routes with: outputs for people, SSM parameters for `fromStackName`. */
  private publishIds(): void {
    const parameterNames = exportedParameterNames(this.stackName);
    const values = {
      apiId: this.loginApi.httpApiId,
      authorizerId: this.loginApi.authorizerId,
      apiUrl: this.loginApi.url,
    };
    const descriptions = {
      apiId: 'HTTP API id: other stacks attach protected routes to it (WeChatLoginApi.fromAttributes)',
      authorizerId: 'Session authorizer id: the AuthorizerId of protected routes (authorization type CUSTOM)',
      apiUrl: 'Base URL of the HTTP API (add its host to the mini program request-domain allow-list)',
    };
    for (const key of ['apiId', 'authorizerId', 'apiUrl'] as const) {
      new CfnOutput(this, exportedOutputNames[key], { description: descriptions[key], value: values[key] });
      new StringParameter(this, `${exportedOutputNames[key]}Parameter`, {
        parameterName: parameterNames[key],
        stringValue: values[key],
        description: `${descriptions[key]} (read by WeChatLoginApi.fromStackName)`,
      });
    }
  }
}

export type { WeChatLoginStackProps };
export { WeChatLoginStack };
