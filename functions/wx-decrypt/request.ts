import { jsonObject, stringField } from '../shared/http/request-body.js';

/** WeRun data, the largest encryptedData a mini program sends, stays well under this. */
const MAX_BODY_BYTES = 64 * 1024;

interface DecryptRequest {
  encryptedData: string;
  iv: string;
}

/** Both fields must be strings; the handler answers a wrong shape as decrypt_failed, like any other failure. */
const parseDecryptRequest = (body: unknown): DecryptRequest => {
  const fields = jsonObject(body, '{"encryptedData": "<base64>", "iv": "<base64>"}');
  return {
    encryptedData: stringField(fields, 'encryptedData', { minLength: 0, maxLength: MAX_BODY_BYTES }),
    iv: stringField(fields, 'iv', { minLength: 0, maxLength: 1024 }),
  };
};

export type { DecryptRequest };
export { MAX_BODY_BYTES, parseDecryptRequest };
