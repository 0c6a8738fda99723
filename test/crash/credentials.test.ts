// The crash sweep (issue 11 item 4) for the credentials scenarios: see support/suite.ts and support/sweep.ts.
import { crashSuite } from './support/suite.js';

crashSuite('credentials');
