// Child process for the crash-recovery test: starts a journalled change, makes two changes, then
// waits to be SIGKILLed before it can commit or roll back.
import { createContext } from '../../../app/context.js';
import { beginChange } from '../../../app/fix/step-recorder.js';

const [home, stateHome, existing, created] = process.argv.slice(2);
if (!home || !stateHome || !existing || !created) throw new Error('usage: crashing-change HOME STATE_HOME EXISTING CREATED');
const ctx = createContext({ env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: stateHome } });
const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
await change.writeFile(existing, 'half-applied change\n');
await change.createFile(created, 'new file\n', 0o600);
process.stdout.write('ready\n');
await new Promise(() => {});
