import {
  HttpApi,
  HttpAuthorizer,
  type HttpRoute,
  type IHttpApi,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import {
  createProtectedRoute,
  type IWeChatLoginApi,
  type ProtectedRouteOptions,
  type WeChatLoginApiAttributes,
} from './protected-route.js';

/**
 * A login API deployed elsewhere, seen from another stack: routes added here are created in this stack, on that API,
 * behind that authorizer. The authorizer is imported with authorization type `CUSTOM` — what a route behind a
 * Lambda authorizer carries; `HttpAuthorizerType.LAMBDA` would put `REQUEST` there and fail the synth.
 */
class ImportedWeChatLoginApi extends Construct implements IWeChatLoginApi {
  readonly httpApiId: string;
  readonly authorizerId: string;
  private readonly httpApi: IHttpApi;
  private readonly authorizer: IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, attrs: WeChatLoginApiAttributes) {
    super(scope, id);
    this.httpApiId = attrs.httpApiId;
    this.authorizerId = attrs.authorizerId;
    this.httpApi = HttpApi.fromHttpApiAttributes(this, 'HttpApi', { httpApiId: attrs.httpApiId });
    this.authorizer = HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'SessionAuthorizer', {
      authorizerId: attrs.authorizerId,
      authorizerType: 'CUSTOM',
    });
  }

  addProtectedRoute(options: ProtectedRouteOptions): HttpRoute {
    return createProtectedRoute(this, { httpApi: this.httpApi, authorizer: this.authorizer }, options);
  }
}

export { ImportedWeChatLoginApi };
