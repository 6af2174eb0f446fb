import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaults } from '../contract/defaults.js';
import { limitNames } from '../contract/limits.js';
import { sessionTable } from '../contract/table.js';
import { DynamoDbCounterStore } from '../limits/dynamodb-counter-store.js';
import { DynamoDbRecentAnswerStore } from '../limits/dynamodb-recent-answer-store.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { RecentAnswers } from '../limits/recent-answers.js';
import type { LoginLimitConfig, PhoneLimitConfig, TableConfig } from '../runtime/config.js';

/**
 * The production wiring of the per-client limits: counters on the session table, each limit under its own key
 * prefix (so each function's IAM grant reaches only its own counters).
 */
const createLoginLimit = (client: DynamoDBDocumentClient, table: TableConfig, config: LoginLimitConfig) =>
  new RateLimiter(new DynamoDbCounterStore(client, table.tableName, sessionTable.keyPrefixes.loginLimit), {
    name: limitNames.loginPerIp,
    limit: config.loginLimitPerIpPerMinute,
    windowSeconds: 60,
  });

const createPhoneLimit = (client: DynamoDBDocumentClient, table: TableConfig, config: PhoneLimitConfig) =>
  new RateLimiter(new DynamoDbCounterStore(client, table.tableName, sessionTable.keyPrefixes.phoneLimit), {
    name: limitNames.phonePerUser,
    limit: config.phoneLimitPerUserPerDay,
    windowSeconds: 24 * 60 * 60,
  });

/** WeChat's checksession asked at most once per user per window; calls within it get the last answer. */
const createSessionKeyChecks = (client: DynamoDBDocumentClient, table: TableConfig) =>
  new RecentAnswers(new DynamoDbRecentAnswerStore(client, table.tableName, sessionTable.keyPrefixes.statusCheck), {
    name: limitNames.sessionKeyCheckPerUser,
    windowSeconds: defaults.sessionKeyStatusWindowSeconds,
  });

export { createLoginLimit, createPhoneLimit, createSessionKeyChecks };
