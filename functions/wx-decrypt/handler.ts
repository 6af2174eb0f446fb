import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createUserData } from '../shared/composition-roots/session-key-services.js';
import { type AuthorizedEvent, callerOf } from '../shared/http/caller.js';
import { bodySizeLimit, httpErrors, json } from '../shared/http/http.js';
import { readTableConfig } from '../shared/runtime/config.js';
import type { UserData } from '../shared/session-key/user-data.js';
import { MAX_BODY_BYTES, parseDecryptRequest } from './request.js';

interface DecryptDependencies {
  userData: Pick<UserData, 'decrypt'>;
}

/** POST /wx/decrypt: wx encryptedData in, the decrypted JSON out, with the user's newest session_key in the caller's app. */
const createHandler = ({ userData }: DecryptDependencies) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    // "Any failure → 400 decrypt_failed": a body it cannot use included, so the client's one answer is to log in again.
    .use(
      httpErrors({
        badInputAs: 'decrypt_failed',
        badInputHint: 'send {"encryptedData", "iv"} as WeChat gave them, or log in again and retry',
      })
    )
    .use(bodySizeLimit(MAX_BODY_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(async (event) => {
      const input = parseDecryptRequest(event.body);
      return json(200, await userData.decrypt(callerOf(event), input));
    });

const handler = createHandler({
  userData: createUserData(readTableConfig()),
});

export { createHandler, handler };
