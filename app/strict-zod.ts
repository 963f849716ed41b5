/**
 * Imported first by main.tsx. Zod 4 probes for eval with `Function('')` (once, as soon as a schema needs it, which
 * can be while a module defines its schemas); the page's CSP forbids eval, so the probe is blocked and reported as a
 * violation. Jitless parsing never probes. This must run before any module that defines a schema is evaluated.
 */
import { z } from 'zod';

z.config({ jitless: true });
