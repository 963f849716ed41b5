/** Zip entries' modification time, fixed so every corpus file has the same bytes (and SHA-256) on every build. */
export const FIXED_TIME = new Date('2026-01-01T00:00:00Z');
