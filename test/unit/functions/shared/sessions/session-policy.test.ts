import { describe, expect, it } from 'vitest';
import { SessionPolicy } from '../../../../../functions/shared/sessions/session-policy.js';

const TTL = 1000;
const MAX_AGE = 10_000;
const policy = new SessionPolicy(TTL, MAX_AGE);
const LOGIN = 1_700_000_000;

describe('SessionPolicy.expiryAt', () => {
  it('gives a new session the idle timeout', () => {
    expect(policy.expiryAt(LOGIN, LOGIN)).toBe(LOGIN + TTL);
  });

  it('slides: a use later pushes expiry to that moment plus the idle timeout', () => {
    expect(policy.expiryAt(LOGIN, LOGIN + 2500)).toBe(LOGIN + 2500 + TTL);
  });

  it('never goes past the maximum age from login', () => {
    expect(policy.expiryAt(LOGIN, LOGIN + MAX_AGE - 10)).toBe(LOGIN + MAX_AGE);
    expect(policy.expiryAt(LOGIN, LOGIN + MAX_AGE + 5000)).toBe(LOGIN + MAX_AGE);
  });

  it('caps a new session at the maximum age when that is shorter than the idle timeout', () => {
    expect(new SessionPolicy(1000, 300).expiryAt(LOGIN, LOGIN)).toBe(LOGIN + 300);
  });
});

describe('SessionPolicy.isExpired', () => {
  const session = { createdAt: LOGIN, expiresAt: LOGIN + TTL };

  it('is live before expiresAt', () => {
    expect(policy.isExpired(session, LOGIN + TTL - 1)).toBe(false);
  });

  it('is expired at and after expiresAt, whether or not the item is still stored', () => {
    expect(policy.isExpired(session, LOGIN + TTL)).toBe(true);
    expect(policy.isExpired(session, LOGIN + TTL + 86_400 * 3)).toBe(true);
  });
});

describe('SessionPolicy.needsRenewal', () => {
  const session = { createdAt: LOGIN, expiresAt: LOGIN + TTL };

  it('does not renew during the first half of the idle window', () => {
    expect(policy.needsRenewal(session, LOGIN)).toBe(false);
    expect(policy.needsRenewal(session, LOGIN + TTL / 2 - 1)).toBe(false);
  });

  it('renews once half the idle window has passed', () => {
    expect(policy.needsRenewal(session, LOGIN + TTL / 2)).toBe(true);
    expect(policy.needsRenewal(session, LOGIN + TTL - 1)).toBe(true);
  });

  it('after a renewal, waits another half window before the next', () => {
    const renewedAt = LOGIN + 600;
    const renewed = { createdAt: LOGIN, expiresAt: policy.expiryAt(LOGIN, renewedAt) };
    expect(policy.needsRenewal(renewed, renewedAt)).toBe(false);
    expect(policy.needsRenewal(renewed, renewedAt + TTL / 2 - 1)).toBe(false);
    expect(policy.needsRenewal(renewed, renewedAt + TTL / 2)).toBe(true);
  });

  it('does not renew a session already at its maximum age: there is nothing to gain', () => {
    const capped = { createdAt: LOGIN, expiresAt: LOGIN + MAX_AGE };
    expect(policy.needsRenewal(capped, LOGIN + MAX_AGE - 10)).toBe(false);
  });

  it('renews up to the cap when the cap is still ahead', () => {
    const nearCap = { createdAt: LOGIN, expiresAt: LOGIN + MAX_AGE - 400 };
    const now = LOGIN + MAX_AGE - 800;
    expect(policy.needsRenewal(nearCap, now)).toBe(true);
    expect(policy.expiryAt(nearCap.createdAt, now)).toBe(LOGIN + MAX_AGE);
  });
});
