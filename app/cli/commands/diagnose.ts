import { createContext, DEFAULT_TIMEOUT_MS } from '../../context.js';
import { diagnose } from '../../diagnose/diagnose.js';
import { bitbucketHosts, parseCommandArgs, repoCommandGate, timeoutMs, UsageError } from '../args.js';
import { formatReport } from '../format-report.js';
import { json, writer, type CliIo } from '../io.js';
import { createStyle } from '../style.js';

/** `push-doctor diagnose`: exit 0 when pushing works, 1 when it found a problem (or could not confirm). */
export async function diagnoseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    offline: { type: 'boolean' },
    timeout: { type: 'string' },
    remote: { type: 'string' },
    'bitbucket-host': { type: 'string', multiple: true },
    'no-repo-commands': { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError(`diagnose takes one path, got ${positionals.length}`);
  const ctx = createContext({
    env: io.env,
    timeoutMs: timeoutMs(values.timeout, DEFAULT_TIMEOUT_MS),
    bitbucketHosts: bitbucketHosts(values['bitbucket-host']),
    repoCommands: repoCommandGate(values['no-repo-commands']),
  });
  const report = await diagnose(ctx, positionals[0] ?? io.cwd, { remote: values.remote, offline: values.offline });
  const out = writer(io.stdout, ctx.secrets);
  out(values.json ? json(report) : formatReport(report, createStyle(io.stdout, io.env)));
  return report.verdict === 'ok' ? 0 : 1;
}
