import path from 'node:path';
import type { EngineContext } from '../context.js';
import type { ClipboardContent, RequestChannel, RequestOf, ResponseOf, Result } from '../contract/channels.js';
import type { DiagnoseReport } from '../contract/report.js';
import { validateRequest } from '../contract/schemas.js';
import { readRemotes } from '../repo/repository.js';
import type { EngineServices } from './engine.js';
import { failure, ok, ServiceError, toContractError } from './errors.js';
import { resolveExternalTarget } from './external.js';
import { readPublicKeyFile } from './public-key.js';
import { droppedPath, repositoryRoot, summarizeRepository } from './repo-summary.js';
import { createRetester, resultFromReport, type Retester } from './retest.js';
import type { EventSink, MainServices } from './main-services.js';
import type { StateStore } from './state-store.js';
import { grantTrust, withAppState } from './trust.js';

/** A request handler: takes the untrusted payload, validates it, never throws. */
export type Handler<C extends RequestChannel> = (payload: unknown) => Promise<Result<ResponseOf<C>>>;
export type HandlerTable = { [C in RequestChannel]: Handler<C> };

export interface HandlerDeps {
  engine: EngineServices;
  main: MainServices;
  store: StateStore;
  events: EventSink;
  /**
   * A fresh engine context per request (its own secret registry) with the probe timeout from the
   * settings; the handlers add the declared Data Center servers and the repository trust gate.
   */
  createContext(options: { timeoutMs: number }): EngineContext;
  /** The re-test scheduler, shared with the tray in main. */
  retester: Retester;
}

/**
 * The handler table and the re-test scheduler it shares with the tray, wired from one set of
 * dependencies: Electron main, the browser preview and the main-process tests all build the
 * service here.
 */
export function createService(deps: Omit<HandlerDeps, 'retester'>): { handlers: HandlerTable; retester: Retester } {
  const retester = createRetester(deps);
  return { handlers: createHandlers({ ...deps, retester }), retester };
}

/**
 * The contract's request handlers, independent of Electron: main registers them on ipcMain, the
 * browser preview serves them on loopback, tests call them directly. Every payload is validated
 * against its schema first; every failure comes back as a typed, redacted ContractError.
 */
export function createHandlers(deps: HandlerDeps): HandlerTable {
  const { retester } = deps;
  /** Running diagnoses by runId, for diagnose.cancel. */
  const runs = new Map<string, AbortController>();
  /** The last diagnosis per repository root, for copying its report. */
  const reports = new Map<string, DiagnoseReport>();

  function define<C extends RequestChannel>(channel: C, run: (request: RequestOf<C>, ctx: EngineContext) => Promise<ResponseOf<C>>): Handler<C> {
    return async (payload) => {
      const valid = validateRequest(channel, payload);
      if (!valid.ok) return failure('invalid-request', valid.message);
      let ctx: EngineContext | undefined;
      try {
        const state = await deps.store.read();
        ctx = withAppState(deps.createContext({ timeoutMs: state.settings.probeTimeoutSeconds * 1000 }), state);
        return ok(await run(valid.value, ctx));
      } catch (error) {
        const secrets = ctx?.secrets;
        return { ok: false, error: toContractError(error, secrets ? (text) => secrets.redact(text) : undefined) };
      }
    };
  }

  async function openAndRemember(ctx: EngineContext, inputPath: string) {
    const summary = await summarizeRepository(ctx, inputPath);
    await deps.store.touchRecent({ path: summary.path, name: summary.name });
    return summary;
  }

  async function defaultRemote(ctx: EngineContext, root: string): Promise<string> {
    const { defaultPushRemote, remotes } = await readRemotes(ctx, root);
    const name = defaultPushRemote ?? remotes[0]?.name;
    if (!name) throw new ServiceError('not-applicable', 'This repository has no remote to check.');
    return name;
  }

  async function diagnose(request: RequestOf<'diagnose.run'>, requestCtx: EngineContext): Promise<DiagnoseReport> {
    if (runs.has(request.runId)) throw new ServiceError('invalid-request', `A diagnosis with runId ${request.runId} is already running.`);
    const controller = new AbortController();
    runs.set(request.runId, controller);
    // Cancelling also stops the git that looks for the repository root.
    const ctx: EngineContext = { ...requestCtx, signal: controller.signal };
    try {
      const root = await repositoryRoot(ctx, request.path);
      const report = await deps.engine.diagnose(ctx, root, {
        remote: request.remote,
        offline: request.offline,
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) deps.events.emit('diagnose.progress', { runId: request.runId, progress });
        },
      });
      if (controller.signal.aborted) throw new ServiceError('cancelled', 'The diagnosis was cancelled.');
      reports.set(root, report);
      await deps.store.touchRecent({ path: root, name: path.basename(root) });
      const result = request.offline ? null : resultFromReport(report, ctx.now());
      if (result) await deps.store.recordResults([result]);
      return report;
    } catch (error) {
      if (controller.signal.aborted) throw new ServiceError('cancelled', 'The diagnosis was cancelled.');
      throw error;
    } finally {
      runs.delete(request.runId);
    }
  }

  /** The text for a clipboard request, produced or checked here: the page never supplies free text. */
  async function clipboardText(content: ClipboardContent, ctx: EngineContext): Promise<string> {
    switch (content.kind) {
      case 'report': {
        const root = await repositoryRoot(ctx, content.path);
        const report = reports.get(root);
        if (!report) throw new ServiceError('not-found', 'Run a diagnosis of this repository first.');
        return ctx.secrets.redact(deps.engine.markdownReport(report));
      }
      case 'public-key':
        return readPublicKeyFile(content.publicKeyPath);
      case 'fingerprint':
        return content.fingerprint;
    }
  }

  return {
    'repo.open': define('repo.open', (request, ctx) => openAndRemember(ctx, request.path)),
    'repo.drop': define('repo.drop', (request, ctx) => openAndRemember(ctx, droppedPath(request.paths))),
    'repo.choose': define('repo.choose', async (_request, ctx) => {
      const folder = await deps.main.chooseFolder();
      return folder === null ? null : openAndRemember(ctx, folder);
    }),
    'diagnose.run': define('diagnose.run', diagnose),
    'diagnose.cancel': define('diagnose.cancel', async (request) => {
      const controller = runs.get(request.runId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    }),
    'fix.describe': define('fix.describe', async (request, ctx) => {
      const repoRoot = await repositoryRoot(ctx, request.path);
      return deps.engine.describeFix(ctx, { repoRoot, remoteName: request.remote }, request.fixId);
    }),
    'fix.apply': define('fix.apply', async (request, ctx) => {
      // Registered first, so that any message mentioning them is masked.
      if (request.input?.token) ctx.secrets.wrap(request.input.token);
      if (request.input?.passphrase) ctx.secrets.wrap(request.input.passphrase);
      const repoRoot = await repositoryRoot(ctx, request.path);
      return deps.engine.applyFix(ctx, { repoRoot, remoteName: request.remote }, request.fixId, request.input);
    }),
    'fix.undo': define('fix.undo', (_request, ctx) => deps.engine.undoLast(ctx)),
    'fix.history': define('fix.history', (_request, ctx) => deps.engine.history(ctx)),
    'ssh.verify': define('ssh.verify', async (request, ctx) => {
      const root = await repositoryRoot(ctx, request.path);
      return deps.engine.verifySsh(ctx, root, request.remote ?? (await defaultRemote(ctx, root)));
    }),
    'clipboard.write': define('clipboard.write', async (request, ctx) => {
      const text = await clipboardText(request, ctx);
      try {
        await deps.main.clipboard.writeText(text);
        return { copied: true };
      } catch {
        // The text is already redacted (or is public): the page shows it for the user to copy.
        return { copied: false, text };
      }
    }),
    'external.open': define('external.open', async (request, ctx) => {
      const url = await resolveExternalTarget(ctx, request);
      const opened = (await deps.main.openExternal(url)) !== false;
      return { opened, url };
    }),
    'recent.list': define('recent.list', () => deps.store.recent()),
    'recent.remove': define('recent.remove', (request) => deps.store.removeRecent(request.path)),
    'recent.clear': define('recent.clear', () => deps.store.clearRecent()),
    'trust.list': define('trust.list', () => deps.store.trusted()),
    'trust.grant': define('trust.grant', (request, ctx) => grantTrust(ctx, deps.store, request.path, request.commandIds)),
    'trust.revoke': define('trust.revoke', (request) => deps.store.revokeTrust(request.path)),
    'settings.get': define('settings.get', () => deps.store.settings()),
    'settings.set': define('settings.set', (request) => deps.store.updateSettings(request)),
    'retest.run': define('retest.run', () => retester.run()),
    'account.status': define('account.status', async (request, ctx) =>
      deps.engine.accountStatus(ctx, { repoRoot: request.path ? await repositoryRoot(ctx, request.path) : null, remoteName: request.remote, site: request.site }),
    ),
    'account.link': define('account.link', (request, ctx) => {
      // Registered first, so that any message mentioning it is masked.
      ctx.secrets.wrap(request.token);
      return deps.engine.linkAccount(ctx, request);
    }),
    'account.unlink': define('account.unlink', (request, ctx) => deps.engine.unlinkAccount(ctx, request.site)),
    'keys.list': define('keys.list', async (request, ctx) =>
      deps.engine.listAccountKeys(ctx, { repoRoot: request.path ? await repositoryRoot(ctx, request.path) : null, remoteName: request.remote, site: request.site }),
    ),
    'keys.add': define('keys.add', async (request, ctx) =>
      deps.engine.addAccountKey(ctx, { repoRoot: request.path ? await repositoryRoot(ctx, request.path) : null, remoteName: request.remote, site: request.site, publicKeyPath: request.publicKeyPath, label: request.label }),
    ),
  };
}

/** Typed call of one handler, for code that already holds a well-typed request (tests, the tray). */
export function callHandler<C extends RequestChannel>(table: HandlerTable, channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  return (table[channel] as Handler<C>)(request);
}
