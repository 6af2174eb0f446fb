import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LambdaHandler } from './lambda-runtime.js';

/**
 * A Python handler file served by the twin: each invocation runs `python3` on `python_lambda_runner.py`, the event and
 * the context in as JSON on stdin, the result out as JSON on file descriptor 3 (the handler's prints stay logs).
 * The process is killed when the invocation's remaining time runs out, as Lambda ends a timed-out invocation.
 */
const RUNNER = fileURLToPath(new URL('./python_lambda_runner.py', import.meta.url));
const PYTHON = 'python3';

type RunnerAnswer =
  | { result: unknown }
  | { ok: true }
  | { errorType: string; errorMessage: string; stackTrace?: string[] };

const runRunner = (file: string, exportName: string, extraArgs: string[], input?: string) => {
  // -B: no __pycache__ written beside the team's code.
  const child = spawn(PYTHON, ['-B', RUNNER, file, exportName, ...extraArgs], {
    cwd: path.dirname(file),
    stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit', 'pipe'],
  });
  // A handler file that fails at import exits before reading its input: that is an answer, not a crash.
  child.stdin?.on('error', () => undefined);
  if (input !== undefined) child.stdin?.end(input);
  return child;
};

/** The runner's answer on fd 3 once it exits; rejects when python3 cannot run or answers nothing. */
const answerOf = (child: ChildProcess): Promise<RunnerAnswer> =>
  new Promise((resolve, reject) => {
    let text = '';
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    child.once('error', (error) => reject(new Error(`${PYTHON} could not be run: ${error.message}`)));
    child.once('close', (code, signal) => {
      try {
        resolve(JSON.parse(text) as RunnerAnswer);
      } catch {
        reject(new Error(`The Python handler ended (${signal ?? `exit code ${code}`}) without an answer`));
      }
    });
  });

const contextFields = (context: Context) => ({
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  deadlineMs: Date.now() + context.getRemainingTimeInMillis(),
});

const failure = (answer: RunnerAnswer): Error | undefined => {
  if (!('errorType' in answer)) return undefined;
  const error = new Error(answer.errorMessage);
  error.name = answer.errorType;
  return error;
};

/** Fails (naming the problem) unless `file` loads under python3 and defines a function `exportName`. */
const checkPythonHandler = async (file: string, exportName: string): Promise<void> => {
  const error = failure(await answerOf(runRunner(file, exportName, ['--check'])));
  if (error) throw new Error(`${error.name}: ${error.message}`);
};

const pythonHandler =
  (file: string, exportName: string): LambdaHandler =>
  async (event, context) => {
    const child = runRunner(file, exportName, [], JSON.stringify({ event, context: contextFields(context) }));
    const kill = setTimeout(() => child.kill('SIGKILL'), context.getRemainingTimeInMillis() + 100);
    try {
      const answer = await answerOf(child);
      const error = failure(answer);
      if (error) throw error;
      return 'result' in answer ? answer.result : undefined;
    } finally {
      clearTimeout(kill);
    }
  };

export { checkPythonHandler, pythonHandler };
