// `npm test`: every test, from a fresh clone. See scripts/runTests.ts.
import { bootstrap } from './bootstrap.mjs';

await bootstrap();
await import('./runTests.ts');
