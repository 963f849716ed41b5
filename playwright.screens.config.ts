import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** `npm run screens`: the README's screenshots (docs/screens/), regenerated from the production build; not a test. */
export default defineConfig({ ...base, testDir: 'scripts/screens', timeout: 900_000 });
