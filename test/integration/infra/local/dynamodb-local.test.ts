import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { javaArguments } from '../../../../infra/local/dynamodb-local.js';

/**
 * DynamoDB Local as the project starts it (the test run's own instance, started by the global setup through
 * startDynamoDbLocal): reachable from this machine only, telemetry off.
 */
const endpoint = new URL(inject('dynamodbEndpoint'));
const port = Number(endpoint.port);

/** Local addresses of the sockets listening on `port`, from the kernel's own tables (Linux). */
const listeningAddresses = (): string[] =>
  ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port)
      .map((fields) => fields[1]?.split(':')[0] ?? '')
  );

const connectOutcome = (host: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

const nonLoopbackAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
    .map((address) => address?.address ?? '');

describe('DynamoDB Local started by the project', () => {
  it('listens on the loopback address only, never on every interface', () => {
    const addresses = listeningAddresses();
    expect(addresses.length).toBeGreaterThan(0);
    // 127.0.0.1 in /proc/net/tcp (little-endian hex), or as an IPv4-mapped address in /proc/net/tcp6.
    for (const address of addresses) expect(['0100007F', '0000000000000000FFFF00000100007F']).toContain(address);
  });

  it('answers on 127.0.0.1 and refuses connections to every other address of this machine', async () => {
    expect(await connectOutcome('127.0.0.1')).toBe('connected');
    for (const address of nonLoopbackAddresses()) {
      expect(await connectOutcome(address), address).toBe('ECONNREFUSED');
    }
  });

  it('runs with telemetry off, through the launcher that binds to 127.0.0.1', () => {
    const args = javaArguments(port);
    expect(args).toContain('-disableTelemetry');
    expect(args).toContain('-Ddynamodb.local.host=127.0.0.1');
    expect(args.some((arg) => arg.includes('DynamoDbLocalOnLoopback'))).toBe(true);
  });
});
