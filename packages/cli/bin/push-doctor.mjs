#!/usr/bin/env node
// The push-doctor command of the npm package (`npx bitbucket-push-doctor diagnose`).
await import('../dist/push-doctor.mjs');
