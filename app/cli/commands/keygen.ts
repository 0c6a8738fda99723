import { createContext } from '../../context.js';
import { beginChange } from '../../fix/step-recorder.js';
import { createKey } from '../../keys/keygen.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { readStdin } from '../stdin.js';
import { KEYGEN_USAGE } from '../usage.js';

/**
 * `push-doctor keygen`: creates a new ed25519 key pair and nothing else (config changes are
 * separate fixes). Never replaces an existing file; `push-doctor undo` removes the new files.
 */
export async function keygenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    file: { type: 'string' },
    comment: { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`keygen takes no positional arguments: ${KEYGEN_USAGE}`);
  if (values.comment !== undefined && /[\r\n]/.test(values.comment)) throw new UsageError('--comment must be one line');
  const ctx = createContext({ env: io.env });
  let passphrase = null;
  if (values['passphrase-stdin']) {
    const text = (await readStdin(io.stdin)).replace(/\r?\n$/, '');
    if (text) passphrase = ctx.secrets.wrap(text);
  }
  const change = await beginChange(ctx, { fixId: 'ssh.generate-key', repo: null });
  let key;
  try {
    key = await createKey(ctx, change, { passphrase, comment: values.comment, file: values.file });
    await change.commit();
  } catch (error) {
    await change.rollback();
    io.stderr.write(`push-doctor: ${ctx.secrets.redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
  const out = writer(io.stdout, ctx.secrets);
  if (values.json) out(json(key));
  else out(`${key.publicKey}\n${key.fingerprint}\nPrivate key: ${key.privateKeyPath}\nPublic key:  ${key.publicKeyPath}\n`);
  return 0;
}
