import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../../infra/local/lambda-runtime.js';
import { checkPythonHandler, pythonHandler } from '../../../../infra/local/python-handler.js';

/** A Python handler run by the twin with the machine's python3, as Lambda's Python runtime would call it. */
const folder = mkdtempSync(path.join(tmpdir(), 'python-handler-'));
const file = path.join(folder, 'handlers.py');
writeFileSync(
  file,
  [
    'import time',
    'from helper import greeting',
    'def handler(event, context):',
    '    print("a log line, not the answer")',
    '    return {"greeting": greeting(event["name"]), "remaining": context.get_remaining_time_in_millis(),',
    '            "fn": context.function_name, "memory": context.memory_limit_in_mb, "id": context.aws_request_id}',
    'def broken(event, context):',
    '    raise ValueError("bad order id")',
    'def sleepy(event, context):',
    '    time.sleep(10)',
    '',
  ].join('\n')
);
// A sibling module: Lambda puts the function's folder on the import path.
writeFileSync(path.join(folder, 'helper.py'), 'def greeting(name):\n    return f"hello {name}"\n');
const fn = { name: 'orders-py', timeoutSeconds: 4, memorySizeMb: 128 };

describe('a Python handler', () => {
  it('gets the event and a context whose remaining time counts down from the timeout, and answers JSON', async () => {
    const context = lambdaContext(fn, Date.now() + 4000, 'req-1');
    const result = (await pythonHandler(file, 'handler')({ name: 'ada' }, context)) as Record<string, unknown>;
    expect(result).toMatchObject({ greeting: 'hello ada', fn: 'orders-py', memory: 128, id: 'req-1' });
    expect(result.remaining).toBeGreaterThan(2000);
    expect(result.remaining).toBeLessThanOrEqual(4000);
  });

  it("fails with the exception's type and message", async () => {
    const failing = pythonHandler(file, 'broken')({}, lambdaContext(fn, Date.now() + 4000));
    await expect(failing).rejects.toMatchObject({ name: 'ValueError', message: 'bad order id' });
  });

  it('is killed once its remaining time runs out', async () => {
    const started = Date.now();
    await expect(pythonHandler(file, 'sleepy')({}, lambdaContext(fn, Date.now() + 500))).rejects.toThrow(
      /ended \(SIGKILL\) without an answer/
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('is checked at startup: a missing function is named', async () => {
    await expect(checkPythonHandler(file, 'handler')).resolves.toBeUndefined();
    await expect(checkPythonHandler(file, 'nothing')).rejects.toThrow(
      /AttributeError: handlers.py has no function named nothing/
    );
  });
});
