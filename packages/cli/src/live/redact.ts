import { UsageError } from '../io.js';

/**
 * Credentials never reach a message: the user:password of a server URL
 * (`http://admin:P4ssw0rd@host`), a bearer token, and the kubeconfig's own secrets wherever a
 * library or a server echoes them. Applied once, where the live read hands its failure on.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/** The same UsageError (class and status kept), its message and hint redacted. */
export function redactError(error: unknown, secrets: readonly string[] = []): unknown {
  if (!(error instanceof UsageError)) return error;
  error.message = redactSecrets(error.message, secrets);
  if (error.hint !== undefined) (error as { hint?: string }).hint = redactSecrets(error.hint, secrets);
  return error;
}
