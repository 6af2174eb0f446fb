import { CfnParameter, Stack } from 'aws-cdk-lib';
import type { HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../functions/shared/contract/front-door.js';
import { AUTHORIZER_FUNCTION, routes } from '../../functions/shared/contract/routes.js';
import { exportedParameterNames } from '../exported-names.js';
import { ValidationError } from '../validation-error.js';
import { AppSecret } from './app-secret.js';
import type { BackendFunction } from './backend-function.js';
import { FrontDoor } from './front-door.js';
import { ImportedWeChatLoginApi } from './imported-login-api.js';
import { createLoginFunctions } from './login-functions.js';
import {
  createProtectedRoute,
  type IWeChatLoginApi,
  type ProtectedRouteOptions,
  type WeChatLoginApiAttributes,
} from './protected-route.js';
import { SessionApi } from './session-api.js';
import { SessionTable } from './session-table.js';
import {
  type LoginApiSettings,
  loginApiSettings,
  WECHAT_APP_ID_PATTERN,
  type WeChatLoginApiProps,
} from './wechat-login-api-props.js';

interface FromStackNameOptions {
  /** The name of the deployed login stack (CDK context `stackName`; default `WeChatMiniProgramLogin`). */
  readonly stackName: string;
}

/**
 * The whole login backend as one construct: the session table, the app secret, one function per entry of
 * functions/shared/contract/routes.ts (plus the authorizer) with least-privilege roles from infra/function-access.ts,
 * and the HTTP API with the session authorizer. Other teams put their own Lambdas behind that authorizer with
 * `addProtectedRoute`, here or, from their own stacks, through `fromAttributes` / `fromStackName`.
 *
 * @example
 * const login = new WeChatLoginApi(this, 'Login', { wechatAppId: 'wx1234567890abcdef' });
 * login.addProtectedRoute({ method: 'GET', path: '/orders', handler: ordersFunction });
 */
class WeChatLoginApi extends Construct implements IWeChatLoginApi {
  readonly table: Table;
  readonly appSecret: AppSecret;
  /** Function name (routes.ts `fn`) → its construct; tests and other constructs (alarms, dashboards) look them up. */
  readonly functions: ReadonlyMap<string, BackendFunction>;
  readonly api: SessionApi;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpLambdaAuthorizer;
  /** CloudFront + WAF in front of the API, when `frontDoorWebAclArn` is given. */
  readonly frontDoor?: FrontDoor;
  /** The settings the props resolved to (defaults applied, values checked). */
  readonly settings: LoginApiSettings;
  private readonly importedViews = new Map<Stack, IWeChatLoginApi>();

  constructor(scope: Construct, id: string, props: WeChatLoginApiProps = {}) {
    super(scope, id);
    this.settings = loginApiSettings(this, props);
    const { removalPolicy } = this.settings;
    this.table = new SessionTable(this, 'Sessions', { removalPolicy }).table;
    this.appSecret = new AppSecret(this, 'WeChatAppSecret', {
      existingSecretArn: props.appSecretArn,
      existingSecretName: props.appSecretName,
      removalPolicy,
    });
    const wechatAppId = this.settings.wechatAppId ?? this.appIdParameter();
    this.functions = createLoginFunctions(this, {
      table: this.table,
      appSecret: this.appSecret,
      wechatAppId,
      settings: this.settings,
    });
    this.api = this.createApi(props.frontDoorWebAclArn !== undefined);
    this.httpApi = this.api.httpApi;
    this.stage = this.api.stage;
    this.authorizer = this.api.authorizer;
    if (props.frontDoorWebAclArn !== undefined) {
      this.frontDoor = new FrontDoor(this, 'FrontDoor', {
        httpApi: this.httpApi,
        stage: this.stage,
        webAclArn: props.frontDoorWebAclArn,
        removalPolicy,
      });
    }
  }

  get httpApiId(): string {
    return this.httpApi.apiId;
  }

  get authorizerId(): string {
    return this.api.authorizerId;
  }

  /**
   * The base URL clients use: the front door's (`https://<id>.cloudfront.net/`) when there is one, otherwise the
   * stage's (`https://<api id>.execute-api.<region>.amazonaws.com/`).
   */
  get url(): string {
    return this.frontDoor?.url ?? this.stage.url;
  }

  /**
   * Adds a route behind the session authorizer (authorization type `CUSTOM`, payload format 2.0). A handler from
   * another stack of the same app gets its route in that stack, referring to this API's ids, so the login stack
   * never depends on its consumers.
   */
  addProtectedRoute(options: ProtectedRouteOptions): HttpRoute {
    const handlerStack = Stack.of(options.handler);
    if (handlerStack !== Stack.of(this)) return this.viewFrom(handlerStack).addProtectedRoute(options);
    return createProtectedRoute(this.api, { httpApi: this.httpApi, authorizer: this.authorizer }, options);
  }

  /** A deployed login API by its ids (the `ApiId` and `AuthorizerId` outputs). */
  static fromAttributes(scope: Construct, id: string, attrs: WeChatLoginApiAttributes): IWeChatLoginApi {
    return new ImportedWeChatLoginApi(scope, id, attrs);
  }

  /**
   * A deployed login API by its stack's name: the ids come from the SSM parameters that stack publishes
   * (`/wechat-login/<stackName>/api-id`, `.../authorizer-id`), resolved by CloudFormation at deploy time.
   */
  static fromStackName(scope: Construct, id: string, options: FromStackNameOptions): IWeChatLoginApi {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(options.stackName)) {
      throw new ValidationError(`fromStackName: "${options.stackName}" is not a CloudFormation stack name`, scope);
    }
    const names = exportedParameterNames(options.stackName);
    return new ImportedWeChatLoginApi(scope, id, {
      httpApiId: StringParameter.valueForStringParameter(scope, names.apiId),
      authorizerId: StringParameter.valueForStringParameter(scope, names.authorizerId),
    });
  }

  private appIdParameter(): string {
    // Without wechatAppId the template still synthesizes, and CloudFormation asks for the AppID at deploy time.
    return new CfnParameter(this, 'WeChatAppId', {
      type: 'String',
      allowedPattern: WECHAT_APP_ID_PATTERN,
      constraintDescription: 'the mini program AppID: "wx" followed by 16 hex characters',
      description: 'The mini program AppID (or pass -c wechatAppId=wx... to cdk deploy)',
    }).valueAsString;
  }

  private createApi(frontDoor: boolean): SessionApi {
    const authorizerFunction = this.functions.get(AUTHORIZER_FUNCTION);
    if (!authorizerFunction) throw new ValidationError(`No function named "${AUTHORIZER_FUNCTION}"`, this);
    return new SessionApi(this, 'Api', {
      routes,
      functions: new Map([...this.functions].map(([name, construct]) => [name, construct.fn])),
      authorizerFunction: authorizerFunction.fn,
      authorizerCacheTtl: this.settings.authorizerCacheTtl,
      throttle: this.settings.throttle,
      openRouteThrottle: this.settings.loginThrottle,
      logRetention: this.settings.logRetention,
      removalPolicy: this.settings.removalPolicy,
      // Behind the front door, a request without CloudFront's origin header is refused before the authorizer runs.
      extraIdentityHeaders: frontDoor ? [ORIGIN_VERIFY_HEADER] : [],
    });
  }

  /** This API as seen from another stack of the same app (one view per stack). */
  private viewFrom(stack: Stack): IWeChatLoginApi {
    let view = this.importedViews.get(stack);
    if (!view) {
      const id = `WeChatLoginApi${this.node.addr.slice(0, 8)}`;
      view = WeChatLoginApi.fromAttributes(stack, id, { httpApiId: this.httpApiId, authorizerId: this.authorizerId });
      this.importedViews.set(stack, view);
    }
    return view;
  }
}

export type { FromStackNameOptions };
export { WeChatLoginApi };
