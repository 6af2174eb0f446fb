import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts the DynamoDB requests a client really sends, by operation, with a middleware at the SDK's build step: after
 * the request is serialized (so the operation is read off the wire request) and before the retry step, so one call
 * counts once however many attempts it takes. No code under test is changed to be counted.
 */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

interface OperationCounts {
  /** Read requests sent. */
  reads: number;
  /** Reads with ConsistentRead: true (each costs one full read unit per 4 KB, not half). */
  consistentReads: number;
  /** Write requests sent; a TransactWriteItems is one request, however many items it holds. */
  writes: number;
  /**
   * Request units billed for items up to 1 KB (writes) / 4 KB (reads): a strongly consistent read 1, an eventually
   * consistent one 0.5, a write 1 per item, a transactional write 2 per item.
   */
  readUnits: number;
  writeUnits: number;
  byOperation: Record<string, number>;
}

interface OperationCounter {
  counts: () => OperationCounts;
  reset: () => void;
}

const empty = (): OperationCounts => ({
  reads: 0,
  consistentReads: 0,
  writes: 0,
  readUnits: 0,
  writeUnits: 0,
  byOperation: {},
});

/** The serialized request body (the SDK hands a byte array to the build step). */
const bodyOf = (body: unknown): Record<string, unknown> => {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '{}';
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
};

const writeUnitsOf = (operation: string, body: Record<string, unknown>): number => {
  if (operation === 'TransactWriteItems') return 2 * ((body.TransactItems as unknown[] | undefined)?.length ?? 0);
  if (operation === 'BatchWriteItem') {
    const perTable = Object.values((body.RequestItems as Record<string, unknown[]> | undefined) ?? {});
    return perTable.reduce((total, requests) => total + requests.length, 0);
  }
  return 1;
};

const countOperations = (client: DynamoDBClient | DynamoDBDocumentClient): OperationCounter => {
  let counts = empty();
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const operation = request.headers?.['x-amz-target']?.split('.').pop() ?? 'Unknown';
      const body = bodyOf(request.body);
      counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
      if (READS.has(operation)) {
        counts.reads += 1;
        const consistent = body.ConsistentRead === true || operation === 'TransactGetItems';
        if (consistent) counts.consistentReads += 1;
        counts.readUnits += operation === 'TransactGetItems' ? 2 : consistent ? 1 : 0.5;
      }
      if (WRITES.has(operation)) {
        counts.writes += 1;
        counts.writeUnits += writeUnitsOf(operation, body);
      }
      return next(args);
    },
    { step: 'build', name: 'benchOperationCounter', override: true }
  );
  return {
    counts: () => structuredClone(counts),
    reset: () => {
      counts = empty();
    },
  };
};

export type { OperationCounter, OperationCounts };
export { countOperations };
