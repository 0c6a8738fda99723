/** The state of one request to the engine, as the guide shows it: not asked, running, answered or failed. */
import type { ContractError, Result } from '../../../app/contract/channels.js';

export type Async<T> =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; value: T }
  | { status: 'failed'; error: ContractError };

export const IDLE = { status: 'idle' } as const;
export const RUNNING = { status: 'running' } as const;

export function settle<T>(result: Result<T>): Async<T> {
  return result.ok ? { status: 'done', value: result.value } : { status: 'failed', error: result.error };
}

export function failed(message: string, code: ContractError['code'] = 'invalid-request'): Async<never> {
  return { status: 'failed', error: { code, message } };
}

export function valueOf<T>(op: Async<T>): T | null {
  return op.status === 'done' ? op.value : null;
}
