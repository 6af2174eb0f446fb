import { jsonObject, stringField } from '../shared/request-body.js';

/** getPhoneNumber codes are short ASCII tokens, like wx.login codes. */
const CODE_PATTERN = /^[\x21-\x7E]{1,128}$/;
const MAX_BODY_BYTES = 16 * 1024;

interface PhoneRequest {
  code: string;
}

const parsePhoneRequest = (body: unknown): PhoneRequest => {
  const fields = jsonObject(body, '{"code": "<code from the getPhoneNumber button>"}');
  return {
    code: stringField(fields, 'code', {
      maxLength: 128,
      pattern: CODE_PATTERN,
      describe: 'a non-empty string of at most 128 printable characters',
    }),
  };
};

export { MAX_BODY_BYTES, parsePhoneRequest };
export type { PhoneRequest };
