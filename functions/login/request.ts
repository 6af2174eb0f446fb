import { jsonObject, stringField, wxCodeField } from '../shared/http/request-body.js';

interface LoginRequest {
  code: string;
  /** The mini program logging in; may be left out only when the server serves exactly one. */
  appId?: string;
}

/** What an AppID may look like in a request: checked before it is looked up, so junk is a plain 400. */
const APP_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** `{"code": "<wx.login code>", "appId"?: "<AppID>"}`; a wrong shape is a 400 `bad_request` naming the field. */
const parseLoginRequest = (body: unknown): LoginRequest => {
  const fields = jsonObject(body, '{"code": "<wx.login code>", "appId": "<your AppID>"}');
  const appId =
    fields.appId === undefined
      ? undefined
      : stringField(fields, 'appId', {
          maxLength: 64,
          pattern: APP_ID_PATTERN,
          describe: "the mini program's AppID (wx.getAccountInfoSync().miniProgram.appId)",
        });
  return { code: wxCodeField(fields), ...(appId !== undefined ? { appId } : {}) };
};

export type { LoginRequest };
export { parseLoginRequest };
