// The crash sweep (issue 11 item 4) for the remotes scenarios: see support/suite.ts and support/sweep.ts.
import { crashSuite } from './support/suite.js';

crashSuite('remotes');
