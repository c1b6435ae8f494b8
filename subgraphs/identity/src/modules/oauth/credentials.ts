import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * client_id: public, `cli_` + 24 hex characters (96 random bits, globally unique column).
 * client_secret: `cs_` + 32 random bytes (256 bits) in base64url, safe in HTTP Basic unescaped.
 */
export function newClientCredentials(): { clientId: string; clientSecret: string } {
  return { clientId: `cli_${randomBytes(12).toString('hex')}`, clientSecret: `cs_${randomBytes(32).toString('base64url')}` };
}

const DUMMY_HASH = sha256('no client has this secret');

/** Compares a presented secret with a stored SHA-256 hash in constant time (also when there is no hash). */
export function secretMatches(presented: string, storedHash: string | null | undefined): boolean {
  const expected = Buffer.from(storedHash && /^[0-9a-f]{64}$/.test(storedHash) ? storedHash : DUMMY_HASH, 'hex');
  const equal = timingSafeEqual(Buffer.from(sha256(presented), 'hex'), expected);
  return equal && Boolean(storedHash);
}
