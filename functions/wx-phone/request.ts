import { jsonObject, wxCodeField } from '../shared/http/request-body.js';

const MAX_BODY_BYTES = 16 * 1024;

interface PhoneRequest {
  code: string;
}

const parsePhoneRequest = (body: unknown): PhoneRequest => ({
  code: wxCodeField(jsonObject(body, '{"code": "<code from the getPhoneNumber button>"}')),
});

export type { PhoneRequest };
export { MAX_BODY_BYTES, parsePhoneRequest };
