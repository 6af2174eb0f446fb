import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../contract/table.js';
import { DynamoDbCounterStore } from '../limits/dynamodb-counter-store.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import type { LoginLimitConfig, PhoneLimitConfig, TableConfig } from '../runtime/config.js';

/**
 * The production wiring of the per-client limits: counters on the session table, each limit under its own key
 * prefix (so each function's IAM grant reaches only its own counters).
 */
const createLoginLimit = (client: DynamoDBDocumentClient, table: TableConfig, config: LoginLimitConfig) =>
  new RateLimiter(new DynamoDbCounterStore(client, table.tableName, sessionTable.keyPrefixes.loginLimit), {
    name: 'login attempts per client IP per minute',
    limit: config.loginLimitPerIpPerMinute,
    windowSeconds: 60,
  });

const createPhoneLimit = (client: DynamoDBDocumentClient, table: TableConfig, config: PhoneLimitConfig) =>
  new RateLimiter(new DynamoDbCounterStore(client, table.tableName, sessionTable.keyPrefixes.phoneLimit), {
    name: 'phone number lookups per user per UTC day',
    limit: config.phoneLimitPerUserPerDay,
    windowSeconds: 24 * 60 * 60,
  });

export { createLoginLimit, createPhoneLimit };
