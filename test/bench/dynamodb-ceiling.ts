import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionConfig } from '../../functions/shared/runtime/config.js';
import { createDocumentClient } from '../../functions/shared/runtime/dynamodb.js';

/**
 * How many strongly consistent GetItem calls a second DynamoDB Local serves on this machine, with as many callers
 * as the HTTP runs use connections. The authorizer makes one per request, so this caps GET /me through the twin:
 * when the two figures are close, the twin is measuring DynamoDB Local (Java, on the same cores), not our code.
 */
const measureDynamoDbLocalCeiling = async (
  config: SessionConfig,
  callers: number,
  seconds: number
): Promise<{ getsPerSecond: number; gets: number }> => {
  const client = createDocumentClient(config);
  const pk = `bench#${randomBytes(8).toString('hex')}`;
  await client.send(new PutCommand({ TableName: config.tableName, Item: { pk, openid: 'o-bench' } }));
  const get = () => client.send(new GetCommand({ TableName: config.tableName, Key: { pk }, ConsistentRead: true }));
  for (let i = 0; i < 200; i += 1) await get();
  let gets = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await get();
        gets += 1;
      }
    })
  );
  const elapsed = (performance.now() - started) / 1000;
  client.destroy();
  return { getsPerSecond: gets / elapsed, gets };
};

export { measureDynamoDbLocalCeiling };
