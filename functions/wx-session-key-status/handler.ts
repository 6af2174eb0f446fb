import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSessionKeyStatus } from '../shared/composition-roots/session-key-services.js';
import { type AuthorizedEvent, callerOf, sessionIdOf } from '../shared/http/caller.js';
import { answerBeforeTimeout, httpErrors, json } from '../shared/http/http.js';
import { readSessionConfig, readWeChatConfig } from '../shared/runtime/config.js';
import { withTimeBudget } from '../shared/runtime/time-budget.js';
import type { SessionKeyStatus } from '../shared/session-key/session-key-status.js';

interface StatusDependencies {
  status: Pick<SessionKeyStatus, 'check'>;
}

/**
 * GET /wx/session-key/status: WeChat's checkSessionKey on the user's newest session_key. `valid: false` also ends
 * the calling session, so the client's next request is denied and it logs in again.
 */
const createHandler = ({ status }: StatusDependencies) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>(answerBeforeTimeout)
    .use(httpErrors())
    .handler(
      withTimeBudget(async (event: AuthorizedEvent) =>
        json(200, { valid: await status.check(callerOf(event), sessionIdOf(event)) })
      )
    );

const handler = createHandler({ status: createSessionKeyStatus(readSessionConfig(), readWeChatConfig()) });

export { createHandler, handler };
