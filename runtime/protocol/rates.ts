/**
 * Rates that the market and the nodes must agree on. A node proposes at most its cap of bids in any window of this
 * length (node/in-flight-limiter.ts); when every node refused for that reason, the market answers 429 with a
 * `Retry-After` of one window (market/routes.ts), after which the nodes bid again.
 */
export const BID_RATE_WINDOW_MS = 1000;
