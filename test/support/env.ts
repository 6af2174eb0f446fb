import { inject } from 'vitest';

/**
 * Configuration every handler reads at import. Set before any test file imports a handler; tests that need
 * their own table set TABLE_NAME (see createTestTable) before importing the handler dynamically.
 */
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME ??= 'sessions-default';
process.env.WECHAT_APP_ID ??= 'wx0000000000000001';
process.env.WECHAT_APP_SECRET ??= 'test-app-secret-0123456789abcdef';
process.env.WECHAT_API_BASE_URL ??= 'http://127.0.0.1:9';
process.env.AWS_REGION ??= 'local';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// No EMF lines in the test output; test/logs/metric-hygiene.test.ts turns them on for its twin.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
