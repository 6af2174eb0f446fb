/**
 * Cost per million requests from the operations the benchmark counted, at AWS list prices for US East (N. Virginia),
 * on-demand, as published in 2025 (other regions differ; ap-east-1 Hong Kong and the China regions cost more).
 * Lambda duration is left out: it depends on latency in AWS, which a local run cannot measure; `perTenMsBilled`
 * gives its price per million invocations for every 10 ms billed.
 */
const prices = {
  region: 'us-east-1',
  /** DynamoDB on-demand: per million read request units (one strongly consistent read of up to 4 KB). */
  dynamodbReadRequestUnitPerMillion: 0.125,
  /** DynamoDB on-demand: per million write request units (one write of up to 1 KB). */
  dynamodbWriteRequestUnitPerMillion: 0.625,
  /** Lambda: per million requests. */
  lambdaRequestsPerMillion: 0.2,
  /** Lambda arm64: per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** API Gateway HTTP API: per million requests (first 300 million a month). */
  httpApiPerMillion: 1.0,
} as const;

interface CostInput {
  /** Request units counted per protected request (authorizer on every request, no cache), items up to 1 KB. */
  readUnitsPerProtectedRequest: number;
  renewalWriteUnitsPerProtectedRequest: number;
  /** Request units counted per accepted login. */
  writeUnitsPerLogin: number;
  /** Read request units per accepted login (the user record's consistent read). */
  readUnitsPerLogin?: number;
  /** Largest item in the table; items over 1 KB (writes) or 4 KB (reads) cost more units each. */
  itemBytes: number;
  memoryMb: number;
}

interface CostLine {
  request: string;
  dynamodb: number;
  lambdaRequests: number;
  httpApi: number;
  total: number;
}

const costPerMillion = (input: CostInput) => {
  const readScale = Math.max(1, Math.ceil(input.itemBytes / 4096));
  const writeScale = Math.max(1, Math.ceil(input.itemBytes / 1024));
  const line = (request: string, dynamodb: number, invocations: number): CostLine => {
    const lambdaRequests = invocations * prices.lambdaRequestsPerMillion;
    return {
      request,
      dynamodb,
      lambdaRequests,
      httpApi: prices.httpApiPerMillion,
      total: dynamodb + lambdaRequests + prices.httpApiPerMillion,
    };
  };
  const protectedDynamoDb =
    input.readUnitsPerProtectedRequest * readScale * prices.dynamodbReadRequestUnitPerMillion +
    input.renewalWriteUnitsPerProtectedRequest * writeScale * prices.dynamodbWriteRequestUnitPerMillion;
  const loginDynamoDb =
    input.writeUnitsPerLogin * writeScale * prices.dynamodbWriteRequestUnitPerMillion +
    (input.readUnitsPerLogin ?? 0) * readScale * prices.dynamodbReadRequestUnitPerMillion;
  return {
    prices,
    input,
    lines: [
      // Two invocations: the authorizer and the route's Lambda.
      line('protected request (GET /me), no authorizer cache', protectedDynamoDb, 2),
      line('login (POST /login)', loginDynamoDb, 1),
    ],
    perTenMsBilled: (input.memoryMb / 1024) * 0.01 * prices.lambdaArmGbSecond * 1e6,
  };
};

export type { CostInput, CostLine };
export { costPerMillion, prices };
