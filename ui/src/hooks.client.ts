import { z } from 'zod';

// Zod compiles object parsers with `new Function` when it may; under our Content-Security-Policy (no 'unsafe-eval')
// even its probe is a reported violation, so the UI parses without the JIT from the start.
z.config({ jitless: true });
