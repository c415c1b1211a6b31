import { createHash } from 'node:crypto';

/** The e-mail address of each account id handed out, so that the ID token can say it. */
const emails = new Map<string, string>();

/**
 * The account id (the ID token's `sub`) of an e-mail address: 21 digits, as Google's are,
 * the same for the same address in every sandbox. Ids and addresses differ on purpose, so
 * that clients are tested keeping the two apart.
 */
export function accountIdOf(email: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  const id = `1${(BigInt(`0x${digest.slice(0, 16)}`) % 10n ** 20n).toString().padStart(20, '0')}`;
  emails.set(id, email.trim());
  return id;
}

/** The e-mail address of an account id made by {@link accountIdOf}. */
export function emailOf(id: string): string {
  return emails.get(id) ?? id;
}
