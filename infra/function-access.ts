import {
  type ConfigReader,
  type DeployedVariable,
  deployedVariables,
} from '../functions/shared/contract/deployed-variables.js';
import { itemAttributes, sessionTable } from '../functions/shared/contract/table.js';

const {
  session: sessionAttributes,
  user: userAttributes,
  token: accessTokenAttributes,
  counter: counterAttributes,
  recentAnswer: recentAnswerAttributes,
} = itemAttributes;

/**
 * What each function may touch, declared in one place. The stack grants exactly this and nothing else: a function
 * listed in functions/shared/contract/routes.ts without an entry here fails the synth, so a new function starts with an
 * explicit decision, never with inherited rights.
 *
 * To add a function: add its route in functions/shared/contract/routes.ts and its entry below. Name single item actions
 * (the union keeps wildcards out at compile time), the item kinds each applies to and the attributes it may name;
 * the stack scopes them to the session table's ARN, with a `dynamodb:LeadingKeys` condition to keys starting with
 * those kinds' prefixes and a `dynamodb:Attributes` condition to those attributes (reads must project, writes return
 * nothing: `dynamodb:Select` and `dynamodb:ReturnValues`).
 */
type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';

/** An item kind of the shared table (functions/shared/contract/table.ts `keyPrefixes`). */
type ItemKind = keyof typeof sessionTable.keyPrefixes;

/** Some actions on some item kinds, naming only some attributes; one IAM statement each. */
interface TableGrant {
  readonly items: readonly ItemKind[];
  readonly actions: readonly TableAction[];
  /**
   * The top-level attributes the requests may name (read, write or test in a condition), the key included. Reads
   * must name theirs (a projection) and no request may ask for values back.
   *
   * @default - no attribute condition: only for item kinds whose whole item is the function's own (login's code
   * replay records)
   */
  readonly attributes?: readonly string[];
}

interface FunctionAccess {
  /** Grants on the session table. Empty: the function gets no table access at all. */
  readonly table: readonly TableGrant[];
  /**
   * The functions/shared/runtime/config.ts readers the handler calls at cold start: the function gets exactly their
   * variables, and the app secret's ARN with permission to read it only through readWeChatConfig.
   */
  readonly config: readonly ConfigReader[];
}

const functionAccess: Readonly<Record<string, FunctionAccess>> = {
  /**
   * One conditional update of the client IP's attempt counter (before WeChat is asked), a conditional put claiming the
   * code's replay record; then it reads the user record (one consistent read) and makes one TransactWriteItems: the
   * new session (conditional, never an overwrite), deletes of the sessions beyond the limit, and the user record
   * (conditional on the version read); then the record's completion. A replayed code reads its session's expiry.
   * The app secret is for code2Session.
   */
  login: {
    table: [
      { items: ['loginLimit'], actions: ['dynamodb:UpdateItem'], attributes: counterAttributes },
      { items: ['session'], actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], attributes: sessionAttributes.write },
      { items: ['session'], actions: ['dynamodb:GetItem'], attributes: sessionAttributes.read },
      { items: ['user'], actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], attributes: userAttributes.all },
      // The code's replay record (claimed with a put that reads back a record in the way; read, completed, released):
      // the whole item is its own (a sealed reply, the claim), so no attribute condition.
      {
        items: ['loginCode'],
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      },
    ],
    config: ['readSessionConfig', 'readSessionLimitConfig', 'readWeChatConfig', 'readLoginLimitConfig'],
  },
  /**
   * Reads the session (only the attributes it needs) and renews it with a conditional update of the expiry alone.
   * No user items: the authorizer never sees a session_key.
   */
  authorizer: {
    table: [
      { items: ['session'], actions: ['dynamodb:GetItem'], attributes: sessionAttributes.read },
      { items: ['session'], actions: ['dynamodb:UpdateItem'], attributes: sessionAttributes.renew },
    ],
    config: ['readSessionConfig', 'readAppIdsConfig'],
  },
  /**
   * Deletes the calling session and its entry in the user's list; signing out everywhere reads the list first and
   * deletes every session on it.
   */
  logout: {
    table: [
      { items: ['session'], actions: ['dynamodb:DeleteItem'], attributes: sessionAttributes.end },
      { items: ['user'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], attributes: userAttributes.sessions },
    ],
    config: ['readSessionConfig'],
  },
  /** Reads the user's list and the sessions on it (their times only). */
  'list-sessions': {
    table: [
      { items: ['session'], actions: ['dynamodb:BatchGetItem'], attributes: sessionAttributes.read },
      { items: ['user'], actions: ['dynamodb:GetItem'], attributes: userAttributes.sessions },
    ],
    config: ['readSessionConfig'],
  },
  /** Finds the handle in the user's list, checks that session is live, deletes it and its entry. */
  'end-session': {
    table: [
      { items: ['session'], actions: ['dynamodb:GetItem'], attributes: sessionAttributes.read },
      { items: ['session'], actions: ['dynamodb:DeleteItem'], attributes: sessionAttributes.end },
      { items: ['user'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], attributes: userAttributes.sessions },
    ],
    config: ['readSessionConfig'],
  },
  /** Read the caller from the authorizer's context: no table, no secret, no configuration. */
  me: { table: [], config: [] },
  products: { table: [], config: [] },
  /**
   * Read the user's newest session_key (the authorizer has already checked the session). Decrypt checks the
   * plaintext's watermark against the caller's AppID from the authorizer; verify needs no AppID.
   */
  'wx-decrypt': {
    table: [{ items: ['user'], actions: ['dynamodb:GetItem'], attributes: userAttributes.sessionKey }],
    config: ['readTableConfig'],
  },
  'wx-verify': {
    table: [{ items: ['user'], actions: ['dynamodb:GetItem'], attributes: userAttributes.sessionKey }],
    config: ['readTableConfig'],
  },
  /**
   * Reads the newest session_key (as decrypt does); ends the calling session (and its entry in the user's list) when
   * WeChat says its session_key is invalid; reads and conditionally updates the app's access_token entry (lock,
   * save, expire); reads the user's last check and claims the next one with a conditional update (WeChat asked at
   * most once per user per 60 s). The secret fetches the token.
   */
  'wx-session-key-status': {
    table: [
      { items: ['user'], actions: ['dynamodb:GetItem'], attributes: userAttributes.sessionKey },
      { items: ['user'], actions: ['dynamodb:UpdateItem'], attributes: userAttributes.sessions },
      { items: ['session'], actions: ['dynamodb:DeleteItem'], attributes: sessionAttributes.end },
      { items: ['token'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], attributes: accessTokenAttributes },
      {
        items: ['statusCheck'],
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        attributes: recentAnswerAttributes,
      },
    ],
    config: ['readSessionConfig', 'readWeChatConfig'],
  },
  /**
   * The user's daily lookup counter (one conditional update, before WeChat is asked) and the app's access_token
   * entry (read, conditional updates); the secret fetches the token.
   */
  'wx-phone': {
    table: [
      { items: ['phoneLimit'], actions: ['dynamodb:UpdateItem'], attributes: counterAttributes },
      { items: ['token'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], attributes: accessTokenAttributes },
    ],
    config: ['readTableConfig', 'readWeChatConfig', 'readPhoneLimitConfig'],
  },
};

/** Every table action an entry grants, on any item kind, sorted. */
const tableActionsOf = (access: FunctionAccess): TableAction[] =>
  [...new Set(access.table.flatMap((grant) => grant.actions))].sort();

/** The `dynamodb:LeadingKeys` patterns of one grant: the partition key starts with one of its kinds' prefixes. */
const leadingKeysOf = (grant: TableGrant): string[] => grant.items.map((kind) => `${sessionTable.keyPrefixes[kind]}*`);

/**
 * The IAM conditions of one grant's statement:
 * - `ForAllValues:StringLike dynamodb:LeadingKeys`: every key the request touches starts with one of the grant's
 *   item kinds' prefixes (TransactWriteItems and BatchGetItem are checked item by item);
 * - `ForAllValues:StringEquals dynamodb:Attributes`: every attribute the request names is one of the grant's;
 * - `StringEqualsIfExists`: reads name their attributes (`dynamodb:Select` SPECIFIC_ATTRIBUTES, as a projection
 *   sets it) and writes ask for nothing back (`dynamodb:ReturnValues` NONE), so no request reads what it may not
 *   name: a role that may delete or update an item cannot read it that way.
 */
const tableConditionsOf = (grant: TableGrant) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeysOf(grant) },
  ...(grant.attributes
    ? {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...grant.attributes] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': 'NONE' },
      }
    : {}),
});

/** Whether the function reads the WeChat app secret: only readWeChatConfig takes its ARN. */
const readsAppSecret = (access: FunctionAccess): boolean => access.config.includes('readWeChatConfig');

/** The variables the function's config readers take, in the order they are first named. */
const variablesOf = (access: FunctionAccess): DeployedVariable[] => [
  ...new Set(access.config.flatMap((reader) => deployedVariables[reader])),
];

/** An access map that could not be right (a missing, stale or malformed entry): thrown at synth, so no deploy. */
class FunctionAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionAccessError';
  }
}

/** Checks one entry, failing the synth on a grant that could not be right. */
const validAccess = (fn: string, access: FunctionAccess): FunctionAccess => {
  if (tableActionsOf(access).some((action) => action.includes('*'))) {
    throw new FunctionAccessError(`Function "${fn}" has a wildcard table action in infra/function-access.ts`);
  }
  if (access.table.some((grant) => grant.items.length === 0 || grant.actions.length === 0)) {
    throw new FunctionAccessError(
      `Function "${fn}" has a table grant without item kinds or actions in infra/function-access.ts`
    );
  }
  if (access.table.some((grant) => grant.attributes && !grant.attributes.includes(sessionTable.partitionKey.name))) {
    throw new FunctionAccessError(
      `Function "${fn}" has a table grant whose attributes leave out the key "${sessionTable.partitionKey.name}" ` +
        'in infra/function-access.ts (every request names it)'
    );
  }
  // Table rights without TABLE_NAME could never be used; TABLE_NAME without rights would fail every request.
  if (access.table.length > 0 !== variablesOf(access).includes('TABLE_NAME')) {
    throw new FunctionAccessError(
      `Function "${fn}" in infra/function-access.ts must read the table's config exactly when it has table grants`
    );
  }
  return access;
};

/** The entry for one function; throws (failing the synth) when there is none. */
const accessOf = (fn: string): FunctionAccess => {
  const access = Object.hasOwn(functionAccess, fn) ? functionAccess[fn] : undefined;
  if (!access) {
    throw new FunctionAccessError(
      `Function "${fn}" (functions/shared/contract/routes.ts) has no entry in infra/function-access.ts: ` +
        'declare its table grants and the config readers its handler calls'
    );
  }
  return validAccess(fn, access);
};

/** Entries must match the deployed functions both ways: a stale entry is a grant nobody reviews. */
const assertAccessCovers = (functionNames: readonly string[]): void => {
  for (const fn of functionNames) accessOf(fn);
  const stale = Object.keys(functionAccess).filter((fn) => !functionNames.includes(fn));
  if (stale.length > 0) {
    throw new FunctionAccessError(
      `infra/function-access.ts has entries for functions no route deploys: ${stale.join(', ')}`
    );
  }
};

export type { FunctionAccess, ItemKind, TableAction, TableGrant };
export {
  accessOf,
  assertAccessCovers,
  FunctionAccessError,
  functionAccess,
  leadingKeysOf,
  readsAppSecret,
  tableActionsOf,
  tableConditionsOf,
  validAccess,
  variablesOf,
};
