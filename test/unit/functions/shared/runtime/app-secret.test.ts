import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { appSecretProvider } from '../../../../../functions/shared/runtime/app-secret.js';

const secretsManager = mockClient(SecretsManagerClient);
// Powertools caches by secret name for the whole process, so each test uses its own ARN.
const arn = (name: string) => `arn:aws:secretsmanager:ap-east-1:123456789012:secret:${name}-AbCdEf`;

beforeEach(() => {
  secretsManager.reset();
});

afterAll(() => {
  secretsManager.restore();
});

describe('appSecretProvider', () => {
  it('returns the local secret as given, without calling Secrets Manager', async () => {
    const secret = appSecretProvider({ kind: 'values', values: { wxA1: 'local-secret' } }, ['wxA1']);
    expect(await secret('wxA1')).toBe('local-secret');
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('reads the secret by ARN once and serves later invocations from the cache', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'from-secrets-manager\n' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('cached') }, ['wxA1']);
    expect(await secret('wxA1')).toBe('from-secrets-manager');
    expect(await secret('wxA1')).toBe('from-secrets-manager');
    expect(await secret('wxA1')).toBe('from-secrets-manager');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe(arn('cached'));
  });

  it('fails clearly when the secret in Secrets Manager is empty', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '   ' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('empty') }, ['wxA1']);
    await expect(secret('wxA1')).rejects.toThrow(/empty/);
  });

  it('propagates a Secrets Manager failure, telling ops to put the value a new secret lacks', async () => {
    const notFound = Object.assign(new Error("Secrets Manager can't find the specified secret value"), {
      name: 'ResourceNotFoundException',
    });
    secretsManager.on(GetSecretValueCommand).rejects(notFound);
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('never-put') }, ['wxA1']);
    const failure = await secret('wxA1').catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/put it/);
    expect((failure as Error).message).not.toContain(arn('never-put'));
  });

  it("reads each app's secret from one JSON secret, and names an app it lacks without echoing values", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"wxA1":"secret-a","wxB2":"secret-b"}' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('json') }, ['wxA1', 'wxB2', 'wxC3']);
    expect(await secret('wxA1')).toBe('secret-a');
    expect(await secret('wxB2')).toBe('secret-b');
    const failure = (await secret('wxC3').catch((error: Error) => error)) as Error;
    expect(failure.message).toContain('wxC3');
    expect(failure.message).not.toContain('secret-a');
  });

  it('refuses a plain-text secret when several apps are configured', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'plain-secret' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('plain-two') }, ['wxA1', 'wxB2']);
    await expect(secret('wxA1')).rejects.toThrow(/JSON object/);
  });
});
