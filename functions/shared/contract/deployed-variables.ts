/**
 * The stack's deployed-variable manifest: the variables each reader of functions/shared/runtime/config.ts takes in
 * AWS (DYNAMODB_ENDPOINT and WECHAT_APP_SECRET are for local runs only; WECHAT_API_BASE_URL and
 * WECHAT_HOST_BREAKER_SECONDS are read when set, but the stack sets only the list). The stack gives each function the variables
 * of the readers its handler calls (infra/function-access.ts), and no others. config.ts parses them; this file only
 * names them, so infra/ imports the list without the parsing.
 */
const deployedVariables = {
  readTableConfig: ['TABLE_NAME'],
  readSessionConfig: ['TABLE_NAME', 'SESSION_TTL_SECONDS', 'SESSION_MAX_AGE_SECONDS'],
  readSessionLimitConfig: ['MAX_SESSIONS_PER_USER'],
  readWeChatConfig: ['WECHAT_APP_IDS', 'WECHAT_APP_SECRET_ARN', 'WECHAT_API_BASE_URLS'],
  readAppIdsConfig: ['WECHAT_APP_IDS'],
  readLoginLimitConfig: ['LOGIN_LIMIT_PER_IP_PER_MINUTE'],
  readPhoneLimitConfig: ['PHONE_LIMIT_PER_USER_PER_DAY'],
} as const;

/** A config.ts reader, by name. */
type ConfigReader = keyof typeof deployedVariables;
/** A variable some reader takes in AWS. */
type DeployedVariable = (typeof deployedVariables)[ConfigReader][number];

export type { ConfigReader, DeployedVariable };
export { deployedVariables };
