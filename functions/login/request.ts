import { BadRequestError } from '../shared/errors.js';

/** wx.login() codes are short ASCII tokens; anything else is refused before WeChat is asked. */
const CODE_PATTERN = /^[\x21-\x7E]{1,128}$/;
const MAX_BODY_BYTES = 16 * 1024;

interface LoginRequest {
  code: string;
}

const parseLoginRequest = (body: unknown): LoginRequest => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('The request body must be a JSON object: {"code": "<wx.login code>"}');
  }
  const { code } = body as { code?: unknown };
  if (code === undefined) throw new BadRequestError('"code" is required');
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    throw new BadRequestError('"code" must be a non-empty string of at most 128 printable characters');
  }
  return { code };
};

export { MAX_BODY_BYTES, parseLoginRequest };
export type { LoginRequest };
