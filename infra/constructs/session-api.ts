import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteDefinition, SESSION_HEADER, routeKeyOf } from '../../functions/shared/contract/routes.js';

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
}

/**
 * Fields of one access log line. Only request metadata: headers are never logged, because X-Session-Id is a bearer
 * credential, and the authorizer's context (openid) stays out of the logs too.
 */
const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  errorType: '$context.error.responseType',
} as const;

const pascalCase = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/**
 * The HTTP API: one route per entry of functions/shared/contract/routes.ts, the `authorized` ones behind the session
 * authorizer (REQUEST, simple responses, payload 2.0, identity source the session header, so a request without the
 * header gets 401 from API Gateway without invoking anything).
 */
class SessionApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpLambdaAuthorizer;
  readonly accessLogs: LogGroup;

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

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    this.authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', props.authorizerFunction, {
      authorizerName: 'session',
      identitySource: [`$request.header.${SESSION_HEADER}`],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: props.authorizerCacheTtl,
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (fn: string): HttpLambdaIntegration => {
      let integration = integrations.get(fn);
      if (!integration) {
        const target = props.functions.get(fn);
        if (!target) throw new Error(`Route handler "${fn}" has no deployed function`);
        integration = new HttpLambdaIntegration(`${pascalCase(fn)}Integration`, target);
        integrations.set(fn, integration);
      }
      return integration;
    };

    for (const route of props.routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.fn),
        ...(route.authorized ? { authorizer: this.authorizer } : {}),
      });
      if (!route.authorized && httpRoute) {
        // RouteSettings name the route by key; CloudFormation rejects them if the route does not exist yet.
        this.stage.node.addDependency(httpRoute);
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${routeKeyOf(route)} is how a client without a session gets one: the wx.login() code in the body is ` +
            'the credential, checked by WeChat code2Session. The route has its own tighter throttle.',
        });
      }
    }

    // The L2 stage has no per-route settings; the L1 property takes them, keyed by route key.
    const openRoutes = props.routes.filter((route) => !route.authorized);
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride(
      'RouteSettings',
      Object.fromEntries(
        openRoutes.map((route) => [
          routeKeyOf(route),
          {
            ThrottlingRateLimit: props.openRouteThrottle.rateLimit,
            ThrottlingBurstLimit: props.openRouteThrottle.burstLimit,
          },
        ])
      )
    );
  }
}

export { SessionApi, pascalCase };
export type { SessionApiProps };
