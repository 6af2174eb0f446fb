import { BadRequestError } from './errors.js';

/**
 * Shape checks for parsed JSON bodies. middy's parser only parses; what the fields must be is decided here, and a
 * wrong shape is a 400 `bad_request` naming the field.
 */
const jsonObject = (body: unknown, example: string): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(`The request body must be a JSON object: ${example}`);
  }
  return body as Record<string, unknown>;
};

/**
 * A required string field of `minLength` (default 1) to `maxLength` characters, matching `pattern` if given.
 * `minLength: 0` leaves judging the content to the domain (a field that is a string but wrong is not a bad request).
 */
const stringField = (
  body: Record<string, unknown>,
  name: string,
  options: { maxLength: number; minLength?: number; pattern?: RegExp; describe?: string }
): string => {
  const value = body[name];
  if (value === undefined) throw new BadRequestError(`"${name}" is required`);
  if (
    typeof value !== 'string' ||
    value.length < (options.minLength ?? 1) ||
    value.length > options.maxLength ||
    (options.pattern && !options.pattern.test(value))
  ) {
    throw new BadRequestError(
      `"${name}" must be ${options.describe ?? `a string of at most ${options.maxLength} characters`}`
    );
  }
  return value;
};

/** Codes from wx.login() and the getPhoneNumber button: short printable-ASCII tokens, checked before WeChat is asked. */
const WX_CODE_PATTERN = /^[\x21-\x7E]{1,128}$/;

/** The `code` field of a body carrying a WeChat code. */
const wxCodeField = (body: Record<string, unknown>): string =>
  stringField(body, 'code', {
    maxLength: 128,
    pattern: WX_CODE_PATTERN,
    describe: 'a non-empty string of at most 128 printable characters',
  });

/** The size cap of a body that only carries a WeChat code (login, phone number): generous, and checked before parsing. */
const CODE_BODY_MAX_BYTES = 16 * 1024;

/**
 * A body `{"code": "..."}` carrying one WeChat code (POST /login, POST /wx/phone). `example` is the shape a 400 shows
 * for a body that is not a JSON object.
 */
const codeBody = (body: unknown, example: string): { code: string } => ({
  code: wxCodeField(jsonObject(body, example)),
});

export { CODE_BODY_MAX_BYTES, codeBody, jsonObject, stringField, wxCodeField };
