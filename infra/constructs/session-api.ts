import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteDefinition, routeKeyOf, SESSION_HEADER } from '../../functions/shared/contract/routes.js';
import { pascalCase } from '../naming.js';
import { ValidationError } from '../validation-error.js';
import { accessLogFields } from './access-log-fields.js';
import { protectedIntegration } from './protected-route.js';
import { mapSessionExpiryHeader } from './session-expiry-header.js';

interface SessionApiProps {
  readonly routes: readonly RouteDefinition[];
  /** Function name (routes.ts `fn`) → the deployed function. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly authorizerFunction: IFunction;
  /** How long API Gateway caches an authorizer answer per session id; 0 turns the cache off. */
  readonly authorizerCacheTtl: Duration;
  /** Stage-wide default for every route. */
  readonly throttle: Required<ThrottleSettings>;
  /** Tighter limit for the routes anyone can call without a session (POST /login). */
  readonly openRouteThrottle: Required<ThrottleSettings>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Request headers the authorizer's identity source requires besides the session header (API Gateway answers 401
   * without invoking it when one is missing).
   *
   * @default - none: only the session header
   */
  readonly extraIdentityHeaders?: readonly string[];
}

/**
 * The HTTP API: one route per entry of functions/shared/contract/routes.ts, the `authorized` ones behind the session
 * authorizer (REQUEST, simple responses, payload 2.0, identity source the session header, so a request without the
 * header gets 401 from API Gateway without invoking anything). Every `authorized` route's integration maps the
 * authorizer's `expiresAt` into the X-Session-Expires-At response header (session-expiry-header.ts).
 */
class SessionApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpLambdaAuthorizer;
  readonly accessLogs: LogGroup;
  private readonly integrations = new Map<string, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: SessionApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'WeChat mini program login: POST /login, session-protected business routes',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.createStage(props);
    this.authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', props.authorizerFunction, {
      authorizerName: 'session',
      identitySource: [SESSION_HEADER, ...(props.extraIdentityHeaders ?? [])].map((h) => `$request.header.${h}`),
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: props.authorizerCacheTtl,
    });
    for (const route of props.routes) this.addProjectRoute(route, props.functions);
    this.throttleOpenRoutes(
      props.routes.filter((route) => !route.authorized),
      props.openRouteThrottle
    );
  }

  /** The session authorizer's id (a token until deploy). */
  get authorizerId(): string {
    return this.authorizer.authorizerId;
  }

  private createStage(props: SessionApiProps): HttpStage {
    return new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
  }

  /** One integration per function; protected routes get the integration every protected route gets. */
  private integrationFor(route: RouteDefinition, functions: ReadonlyMap<string, IFunction>): HttpLambdaIntegration {
    const existing = this.integrations.get(route.fn);
    if (existing) return existing;
    const target = functions.get(route.fn);
    if (!target) throw new ValidationError(`Route handler "${route.fn}" has no deployed function`, this);
    const id = `${pascalCase(route.fn)}Integration`;
    const integration = route.authorized ? protectedIntegration(id, target) : new HttpLambdaIntegration(id, target);
    this.integrations.set(route.fn, integration);
    return integration;
  }

  private addProjectRoute(route: RouteDefinition, functions: ReadonlyMap<string, IFunction>): void {
    const [httpRoute] = this.httpApi.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: this.integrationFor(route, functions),
      ...(route.authorized ? { authorizer: this.authorizer } : {}),
    });
    if (route.authorized && httpRoute) mapSessionExpiryHeader(httpRoute);
    if (!route.authorized && httpRoute) this.acknowledgeOpenRoute(route, httpRoute);
  }

  private acknowledgeOpenRoute(route: RouteDefinition, httpRoute: HttpRoute): void {
    // RouteSettings name the route by key; CloudFormation rejects them if the route does not exist yet.
    this.stage.node.addDependency(httpRoute);
    Validations.of(httpRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        `${routeKeyOf(route)} is how a client without a session gets one: the wx.login() code in the body is ` +
        'the credential, checked by WeChat code2Session. The route has its own tighter throttle.',
    });
  }

  /** The L2 stage has no per-route settings; the L1 property takes them, keyed by route key. */
  private throttleOpenRoutes(openRoutes: readonly RouteDefinition[], limits: Required<ThrottleSettings>): void {
    const settings = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride(
      'RouteSettings',
      Object.fromEntries(openRoutes.map((route) => [routeKeyOf(route), settings]))
    );
  }
}

export type { SessionApiProps };
export { SessionApi };
