import { BadRequestError } from '../shared/http/errors.js';
import { jsonObject } from '../shared/http/request-body.js';

const MAX_BODY_BYTES = 1024;

interface LogoutRequest {
  /** End every session of the user in this app, not only the calling one. */
  everywhere: boolean;
}

/** No body, `{}` or `{"everywhere": false}`: only the calling session; `{"everywhere": true}`: all of them. */
const parseLogoutRequest = (body: unknown): LogoutRequest => {
  if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) {
    return { everywhere: false };
  }
  const fields = jsonObject(body, '{"everywhere": true}');
  if (fields.everywhere !== undefined && typeof fields.everywhere !== 'boolean') {
    throw new BadRequestError('"everywhere" must be true or false');
  }
  return { everywhere: fields.everywhere === true };
};

export type { LogoutRequest };
export { MAX_BODY_BYTES, parseLogoutRequest };
