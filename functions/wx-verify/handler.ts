import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRawDataSignatures } from '../shared/composition-roots/session-key-services.js';
import { type AuthorizedEvent, callerOf } from '../shared/http/caller.js';
import { bodySizeLimit, httpErrors, json } from '../shared/http/http.js';
import { readTableConfig } from '../shared/runtime/config.js';
import type { RawDataSignatures } from '../shared/session-key/raw-data-signatures.js';
import { MAX_BODY_BYTES, parseVerifyRequest } from './request.js';

interface VerifyDependencies {
  signatures: Pick<RawDataSignatures, 'verify'>;
}

/** POST /wx/verify: whether a wx.getUserInfo signature is sha1(rawData + the user's newest session_key). */
const createHandler = ({ signatures }: VerifyDependencies) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .use(bodySizeLimit(MAX_BODY_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(async (event) => {
      const input = parseVerifyRequest(event.body);
      return json(200, { valid: await signatures.verify(callerOf(event), input) });
    });

// No AppID: a rawData signature covers only rawData and the session_key.
const handler = createHandler({ signatures: createRawDataSignatures(readTableConfig()) });

export { createHandler, handler };
