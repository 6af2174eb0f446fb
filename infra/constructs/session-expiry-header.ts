import { Stack } from 'aws-cdk-lib';
import { type CfnIntegration, type CfnRoute, HttpIntegration, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  SESSION_EXPIRES_CONTEXT_KEY,
  SESSION_EXPIRES_HEADER,
  SESSION_EXPIRES_STATUSES,
} from '../../functions/shared/contract/session-expiry.js';
import { ValidationError } from '../validation-error.js';

/** One response parameter in CloudFormation's shape for AWS::ApiGatewayV2::Integration. */
interface ResponseParameter {
  readonly Destination: string;
  readonly Source: string;
}

/**
 * The integration's `ResponseParameters`: for each status in SESSION_EXPIRES_STATUSES, overwrite the
 * X-Session-Expires-At header with the authorizer's `expiresAt` (HTTP API response parameters may map context
 * variables, `$context.authorizer.<key>` included). CloudFormation's shape:
 * `{"<status>": {"ResponseParameters": [{"Destination": "overwrite:header.<name>", "Source": "<value>"}]}}`.
 */
const sessionExpiryResponseParameters = (): Record<string, { ResponseParameters: ResponseParameter[] }> =>
  Object.fromEntries(
    SESSION_EXPIRES_STATUSES.map((status) => [
      String(status),
      {
        ResponseParameters: [
          {
            Destination: `overwrite:header.${SESSION_EXPIRES_HEADER}`,
            Source: `$context.authorizer.${SESSION_EXPIRES_CONTEXT_KEY}`,
          },
        ],
      },
    ])
  );

/** The L2 integration `route` targets (its CfnRoute's target is `integrations/<integrationId>`). */
const integrationOf = (route: HttpRoute): HttpIntegration => {
  const target = (route.node.defaultChild as CfnRoute).target;
  const found = Stack.of(route)
    .node.findAll()
    .find(
      (candidate): candidate is HttpIntegration =>
        candidate instanceof HttpIntegration && target === `integrations/${candidate.integrationId}`
    );
  if (!found) throw new ValidationError("the route's integration was not found in its stack", route);
  return found;
};

/**
 * Makes every answer of a protected route's integration carry `X-Session-Expires-At` from the authorizer's context.
 * Call it for each route behind the session authorizer, after creating the route (routes sharing an integration
 * share the mapping). Never for an open route: it has no authorizer context to map.
 *
 * @example
 * const [route] = httpApi.addRoutes({ path: '/me', methods: [HttpMethod.GET], integration, authorizer });
 * mapSessionExpiryHeader(route);
 */
const mapSessionExpiryHeader = (route: HttpRoute): void => {
  const integration = integrationOf(route).node.defaultChild as CfnIntegration;
  integration.responseParameters = sessionExpiryResponseParameters();
};

export { mapSessionExpiryHeader, sessionExpiryResponseParameters };
