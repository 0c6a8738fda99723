// The crash sweep (issue 11 item 4) for the credential scenarios without a keyring (plain-text store, Git Credential Manager): see support/suite.ts and support/sweep.ts.
import { crashSuite } from './support/suite.js';

crashSuite('credentials');
