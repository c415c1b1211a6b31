/** The parts of `InstalledOAuthError` that tests read. */
export interface TypedError extends Error {
  code: string;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
}

function isTypedError(error: unknown): error is TypedError {
  // By name, not instanceof: a package's tests may see core's class from its source (core's
  // own tests) or from its build (every other package).
  return (
    error instanceof Error &&
    error.name === 'InstalledOAuthError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * The `InstalledOAuthError` that `promise` rejects with. Resolving, or rejecting with anything
 * else, fails the test (the other error is thrown as it is, so the test shows it).
 */
export async function failure<E extends TypedError = TypedError>(
  promise: Promise<unknown>,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (isTypedError(error)) return error as E;
    throw error;
  }
  throw new Error('expected a rejection with an InstalledOAuthError, but it resolved');
}
