import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuthorizedEvent, callerOf, sessionIdOf } from '../shared/caller.js';
import { readAppIdConfig, readSessionConfig } from '../shared/config.js';
import { bodySizeLimit, httpErrors, json } from '../shared/http.js';
import type { UserData } from '../shared/user-data.js';
import { createUserData } from '../shared/wx-services.js';
import { MAX_BODY_BYTES, parseVerifyRequest } from './request.js';

interface VerifyDependencies {
  userData: Pick<UserData, 'verify'>;
}

/** POST /wx/verify: whether a wx.getUserInfo signature is sha1(rawData + the user's newest session_key). */
const createHandler = ({ userData }: VerifyDependencies) =>
  middy<AuthorizedEvent, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .use(bodySizeLimit(MAX_BODY_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
    .handler(async (event) => {
      const input = parseVerifyRequest(event.body);
      return json(200, { valid: await userData.verify(callerOf(event), sessionIdOf(event), input) });
    });

const handler = createHandler({
  userData: createUserData(readSessionConfig(), readAppIdConfig().appId),
});

export { createHandler, handler };
