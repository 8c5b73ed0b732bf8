import { nothingLostSuite } from './nothing-lost.ts';

// Seeds 151..200 of the 200 acceptance seeds (see nothing-lost.ts).
nothingLostSuite(151, 50);
