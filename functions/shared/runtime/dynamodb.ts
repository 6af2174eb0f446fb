import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaults } from '../contract/defaults.js';
import { AppError } from '../http/errors.js';
import { readLocalAwsSettings, type TableConfig } from './config.js';
import { currentBudget } from './time-budget.js';

/**
 * The client settings for a DynamoDB Local endpoint, the one definition the functions, the tests and the benchmarks
 * use: region and credentials from the usual AWS variables when set, placeholders otherwise (DynamoDB Local accepts
 * any, but keeps one database per key id and region, so every client of one endpoint must agree).
 */
const dynamoDbLocalSettings = (endpoint: string) => ({ endpoint, ...readLocalAwsSettings() });

/**
 * The document client every function shares. Each attempt is capped (defaults.ts: one retry absorbs a blip), and
 * inside a handler wrapped by `withTimeBudget` every command is also aborted when the invocation's budget ends, so an
 * outage ends in an error the function still answers (or, in the authorizer, throws: API Gateway's 500) before
 * Lambda's timeout, never in a timed-out, re-cold-started instance.
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
    requestHandler: {
      connectionTimeout: defaults.dynamodbConnectTimeoutMs,
      requestTimeout: defaults.dynamodbAttemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  return withBudget(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }));
};

/** Every command sent through `client` carries the current budget's signal; running out is a 503, not a crash. */
const withBudget = (client: DynamoDBDocumentClient): DynamoDBDocumentClient => {
  const send = client.send.bind(client) as (command: unknown, options?: { abortSignal?: AbortSignal }) => unknown;
  const budgeted = async (command: unknown, options?: { abortSignal?: AbortSignal }) => {
    const budget = currentBudget();
    if (!budget) return send(command, options);
    try {
      return await send(command, { abortSignal: budget.signal, ...options });
    } catch (error) {
      if (!budget.signal.aborted) throw error;
      throw new AppError('service_unavailable', 'The service could not answer in time; try again shortly', {
        cause: error,
        retryAfterSeconds: 1,
        logDetails: { reason: 'DynamoDB did not answer within the time budget' },
      });
    }
  };
  client.send = budgeted as DynamoDBDocumentClient['send'];
  return client;
};

export { createDocumentClient, dynamoDbLocalSettings };
