import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { sessionTable } from '../../functions/shared/contract/table.js';

/**
 * Creates the session table on DynamoDB Local from the same definition the CDK stack deploys (key schema and TTL
 * attribute). Idempotent: an existing table is left as it is. `ttl: false` leaves TTL off, for tests that need an
 * expired item to stay in the table the way it does for days on AWS.
 */
const ensureSessionTable = async (
  client: DynamoDBClient,
  tableName: string,
  options: { ttl?: boolean } = {}
): Promise<void> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: sessionTable.partitionKey.name, AttributeType: sessionTable.partitionKey.type },
        ],
        KeySchema: [{ AttributeName: sessionTable.partitionKey.name, KeyType: 'HASH' }],
      })
    );
  } catch (error) {
    if (error instanceof ResourceInUseException) return;
    throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (options.ttl ?? true) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: sessionTable.timeToLiveAttribute, Enabled: true },
      })
    );
  }
};

export { ensureSessionTable };
