import type { IConstruct } from 'constructs';

/**
 * A synth-time error in the style of aws-cdk-lib's `ValidationError` (whose class is internal to the library):
 * props that could not deploy, reported with the path of the construct that was given them, so the message
 * points at the user's code rather than into a stack trace.
 *
 * @example
 * throw new ValidationError('sessionMaxAgeSeconds must be at least sessionTtlSeconds', this);
 * // ValidationError: [MyStack/Login] sessionMaxAgeSeconds must be at least sessionTtlSeconds
 */
class ValidationError extends Error {
  /** The construct whose props failed validation. */
  readonly constructPath: string;

  constructor(message: string, scope: IConstruct) {
    const path = scope.node.path || '<app>';
    super(`[${path}] ${message}`);
    this.name = 'ValidationError';
    this.constructPath = path;
  }
}

export { ValidationError };
