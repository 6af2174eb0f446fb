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
  it('returns WECHAT_APP_SECRET as given, without calling Secrets Manager', async () => {
    const secret = appSecretProvider({ kind: 'value', value: 'local-secret' });
    expect(await secret()).toBe('local-secret');
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('reads the secret by ARN once and serves later invocations from the cache', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'from-secrets-manager\n' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('cached') });
    expect(await secret()).toBe('from-secrets-manager');
    expect(await secret()).toBe('from-secrets-manager');
    expect(await secret()).toBe('from-secrets-manager');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe(arn('cached'));
  });

  it('fails clearly when the secret in Secrets Manager is empty', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '   ' });
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('empty') });
    await expect(secret()).rejects.toThrow(/empty/);
  });

  it('propagates a Secrets Manager failure, telling ops to put the value a new secret lacks', async () => {
    const notFound = Object.assign(new Error("Secrets Manager can't find the specified secret value"), {
      name: 'ResourceNotFoundException',
    });
    secretsManager.on(GetSecretValueCommand).rejects(notFound);
    const secret = appSecretProvider({ kind: 'secretsManager', arn: arn('never-put') });
    const failure = await secret().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/put it/);
    expect((failure as Error).message).not.toContain(arn('never-put'));
  });
});
