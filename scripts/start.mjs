// `npm start`: everything, from a fresh clone. See scripts/stack.ts for what it starts.
import { bootstrap } from './bootstrap.mjs';

await bootstrap();
await import('./stack.ts');
