// The crash sweep (issue 11 item 4) for the scenarios whose credentials a keyring helper keeps: see support/suite.ts and support/sweep.ts.
import { crashSuite } from './support/suite.js';

crashSuite('keyring');
