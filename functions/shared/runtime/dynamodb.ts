import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readLocalAwsSettings, type TableConfig } from './config.js';

/**
 * The client settings for a DynamoDB Local endpoint, the one definition the functions, the tests and the benchmarks
 * use: region and credentials from the usual AWS variables when set, placeholders otherwise (DynamoDB Local accepts
 * any, but keeps one database per key id and region, so every client of one endpoint must agree).
 */
const dynamoDbLocalSettings = (endpoint: string) => ({ endpoint, ...readLocalAwsSettings() });

/**
 * The document client every function shares. Timeouts are short because each caller sits in a request path with
 * its own bound: two attempts of at most 1.5 s each stay inside the authorizer's 5 s Lambda timeout, so an outage
 * ends in a thrown error (API Gateway's 500), not a timed-out, re-cold-started instance. One retry absorbs a blip.
 *
 * With DYNAMODB_ENDPOINT set (DynamoDB Local), region and credentials fall back to local placeholders, so a
 * developer needs no AWS account to run the twin or the tests.
 */
const createDocumentClient = (config: TableConfig): DynamoDBDocumentClient => {
  const local = config.dynamodbEndpoint ? dynamoDbLocalSettings(config.dynamodbEndpoint) : {};
  const client = new DynamoDBClient({
    ...local,
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes and keeps waiting.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
};

export { createDocumentClient, dynamoDbLocalSettings };
