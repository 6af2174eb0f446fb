import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { dynamoDbLocalSettings } from '../../functions/shared/runtime/dynamodb.js';
import { ensureSessionTable } from '../../infra/local/session-table.js';

/** A raw client on the run's DynamoDB Local, for arranging and inspecting tables from tests. */
const testDynamoDbClient = (): DynamoDBClient => new DynamoDBClient(dynamoDbLocalSettings(inject('dynamodbEndpoint')));

const testDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(testDynamoDbClient(), { marshallOptions: { removeUndefinedValues: true } });

/** A fresh session table built from the shared definition. `ttl: false` keeps expired items in place. */
const createTestTable = async (options: { ttl?: boolean } = {}): Promise<string> => {
  const tableName = `sessions-${randomUUID().slice(0, 8)}`;
  await ensureSessionTable(testDynamoDbClient(), tableName, options);
  return tableName;
};

export { createTestTable, testDocumentClient };
