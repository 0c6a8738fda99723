// Child process for the interruption test: starts an atomic write and stops between the synced
// temp file and the rename, telling the parent where the temp file is; the parent then SIGKILLs it.
import { writeFileAtomic } from '../../../app/fix/atomic-write.js';

const [target, content] = process.argv.slice(2);
if (!target || content === undefined) throw new Error('usage: interrupted-writer TARGET CONTENT');
await writeFileAtomic(target, content, {
  beforeRename: (temp) =>
    new Promise<void>(() => {
      process.stdout.write(`ready ${temp}\n`);
      // never resolves: the parent kills us here
    }),
});
