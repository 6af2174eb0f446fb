import { jsonObject, stringField } from '../shared/http/request-body.js';

const MAX_BODY_BYTES = 16 * 1024;

interface VerifyRequest {
  rawData: string;
  signature: string;
}

/** Both fields must be strings; a signature that does not match (whatever its form) is `valid: false`, not a 400. */
const parseVerifyRequest = (body: unknown): VerifyRequest => {
  const fields = jsonObject(body, '{"rawData": "<rawData>", "signature": "<signature>"}');
  return {
    rawData: stringField(fields, 'rawData', { minLength: 0, maxLength: MAX_BODY_BYTES }),
    signature: stringField(fields, 'signature', { minLength: 0, maxLength: 256 }),
  };
};

export type { VerifyRequest };
export { MAX_BODY_BYTES, parseVerifyRequest };
