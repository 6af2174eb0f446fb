import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * GET /orders — written as another team would write it: no import from the login project, only the caller contract
 * (docs/caller-contract.md). The session authorizer has already checked the session; the caller is in
 * `requestContext.authorizer.lambda`. This function never reads X-Session-Id.
 */
interface CallerContext {
  readonly openid: string;
  readonly unionid?: string;
  readonly appId?: string;
}

type OrdersEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Partial<CallerContext>>;

interface Order {
  readonly id: string;
  readonly item: string;
  readonly quantity: number;
}

/** Stand-in for the team's own order store, keyed by the caller's openid. */
const ordersOf = (openid: string): Order[] => [
  { id: `${openid.slice(-6)}-1001`, item: 'green tea', quantity: 2 },
  { id: `${openid.slice(-6)}-1002`, item: 'mooncake', quantity: 1 },
];

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export const handler = async (event: OrdersEvent): Promise<APIGatewayProxyStructuredResultV2> => {
  const openid = event.requestContext?.authorizer?.lambda?.openid;
  if (typeof openid !== 'string' || openid === '') {
    // Only reachable if the route was deployed without the session authorizer: a wiring bug, not a client error.
    return json(500, { error: 'internal_error', message: 'The route has no authorizer context' });
  }
  return json(200, { openid, orders: ordersOf(openid) });
};
