// Child process for the agent crash-recovery test: adds a key to an agent inside a journalled
// change, then waits to be SIGKILLed before it can commit or roll back.
import { readFile } from 'node:fs/promises';
import { createContext } from '../../../app/context.js';
import { beginChange } from '../../../app/fix/step-recorder.js';
import { sha256Fingerprint } from '../../../app/ssh/fingerprint.js';

const [home, stateHome, socket, keyPath] = process.argv.slice(2);
if (!home || !stateHome || !socket || !keyPath) throw new Error('usage: crashing-agent-change HOME STATE_HOME SOCKET KEY');
const ctx = createContext({ env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: stateHome } });
const publicKey = (await readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
const change = await beginChange(ctx, { fixId: 'ssh.add-key-to-agent', repo: null });
await change.addAgentKey({ socket, keyPath, publicKey, fingerprint: sha256Fingerprint(publicKey.split(' ')[1]!), passphrase: null, keychain: false });
process.stdout.write('ready\n');
await new Promise(() => {});
