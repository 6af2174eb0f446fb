import { jsonObject, wxCodeField } from '../shared/http/request-body.js';

const MAX_BODY_BYTES = 16 * 1024;

interface LoginRequest {
  code: string;
}

const parseLoginRequest = (body: unknown): LoginRequest => ({
  code: wxCodeField(jsonObject(body, '{"code": "<wx.login code>"}')),
});

export type { LoginRequest };
export { MAX_BODY_BYTES, parseLoginRequest };
