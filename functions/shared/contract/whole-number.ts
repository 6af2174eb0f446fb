/**
 * The one reading of a whole-number setting, shared by the functions' environment (runtime/config.ts), the stack's
 * context (infra/context.ts) and the twin's settings: digits only (no sign, point, exponent or hex), and small enough
 * to be exact. Each caller keeps its own bounds and its own error naming the setting.
 *
 * @example
 * wholeNumberOf('300'); // 300
 * wholeNumberOf('1e3'); // undefined
 */
const wholeNumberOf = (raw: string): number | undefined =>
  /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;

export { wholeNumberOf };
