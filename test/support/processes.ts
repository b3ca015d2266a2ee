/**
 * How long a `workshop-bot serve` from dist/ may take to answer after it is spawned: it loads the
 * whole app (~1.7 s of CPU), which on a loaded 2-core machine took 11 s (the machine's own load)
 * to 26 s (two busy loops beside it) before /healthz answered.
 */
export const SERVE_START_MS = 60_000;

/**
 * The timeout of a test that runs the CLI from dist/ one to three times: each run loads the app
 * (1.5–2.6 s of CPU), 10–20 s on a loaded 2-core machine, where three runs in one test took 59 s.
 */
export const CLI_TEST_MS = 90_000;
