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
  reads: number;
  /** Reads with ConsistentRead: true (each costs one full read unit per 4 KB, not half). */
  consistentReads: number;
  writes: number;
  byOperation: Record<string, number>;
}

interface OperationCounter {
  counts: () => OperationCounts;
  reset: () => void;
}

const empty = (): OperationCounts => ({ reads: 0, consistentReads: 0, writes: 0, byOperation: {} });

const countOperations = (client: DynamoDBClient | DynamoDBDocumentClient): OperationCounter => {
  let counts = empty();
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const operation = request.headers?.['x-amz-target']?.split('.').pop() ?? 'Unknown';
      counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
      if (READS.has(operation)) {
        counts.reads += 1;
        if (typeof request.body === 'string' && /"ConsistentRead":true/.test(request.body)) {
          counts.consistentReads += 1;
        }
      }
      if (WRITES.has(operation)) counts.writes += 1;
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

export { countOperations };
export type { OperationCounter, OperationCounts };
