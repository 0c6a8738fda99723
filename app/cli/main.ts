// Placeholder: the diagnose command lands with the diagnosis engine.
process.stdout.write('push-doctor\n');
