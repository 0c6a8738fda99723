import type { ContractError, ErrorCode, Result } from '../contract/channels.js';
import { redact } from '../secrets/redact.js';

/** A failure with a contract error code and a message meant for the user. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const MAX_MESSAGE_LENGTH = 300;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure(code: ErrorCode, message: string): { ok: false; error: ContractError } {
  return { ok: false, error: { code, message: oneLine(message) } };
}

/**
 * What the UI is told about anything thrown: a ServiceError keeps its code, an abort becomes
 * "cancelled", everything else "failed". Only the first line of the message crosses (never a stack),
 * redacted with the run's known secrets and the secret patterns, and bounded in length.
 */
export function toContractError(error: unknown, redactText: (text: string) => string = (text) => redact(text)): ContractError {
  if (error instanceof ServiceError) return { code: error.code, message: oneLine(redactText(error.message)) };
  if (isAbort(error)) return { code: 'cancelled', message: 'Cancelled.' };
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Unexpected failure.';
  const message = oneLine(redactText(raw)) || 'Unexpected failure.';
  return { code: 'failed', message };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

function oneLine(text: string): string {
  const first = text.split(/\r?\n/, 1)[0]!.trim();
  // Second pass: patterns catch secrets the run did not know about.
  const safe = redact(first);
  return safe.length > MAX_MESSAGE_LENGTH ? `${safe.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : safe;
}
