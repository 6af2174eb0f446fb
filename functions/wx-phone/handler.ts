import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createPhoneNumbers } from '../shared/composition-roots/session-key-services.js';
import type { AuthorizedEvent } from '../shared/http/caller.js';
import { callerOf } from '../shared/http/caller.js';
import { answerBeforeTimeout, bodySizeLimit, httpErrors, json } from '../shared/http/http.js';
import { CODE_BODY_MAX_BYTES, codeBody } from '../shared/http/request-body.js';
import { readPhoneLimitConfig, readTableConfig, readWeChatConfig } from '../shared/runtime/config.js';
import { withTimeBudget } from '../shared/runtime/time-budget.js';
import type { PhoneNumbers } from '../shared/session-key/phone-numbers.js';

interface PhoneDependencies {
  phoneNumbers: Pick<PhoneNumbers, 'lookup'>;
}

/**
 * POST /wx/phone: a getPhoneNumber button code in, WeChat's `phone_info` out, for the caller's own code only, at most
 * PHONE_LIMIT_PER_USER_PER_DAY times per user per UTC day. Nothing is stored.
 */
const createHandler = ({ phoneNumbers }: PhoneDependencies) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>(answerBeforeTimeout)
    .use(httpErrors())
    .use(bodySizeLimit(CODE_BODY_MAX_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(
      withTimeBudget(async (event: AuthorizedEvent) => {
        const caller = callerOf(event);
        const { code } = codeBody(event.body, '{"code": "<code from the getPhoneNumber button>"}');
        return json(200, await phoneNumbers.lookup(caller, code));
      })
    );

const handler = createHandler({
  phoneNumbers: createPhoneNumbers(readTableConfig(), readWeChatConfig(), readPhoneLimitConfig()),
});

export { createHandler, handler };
