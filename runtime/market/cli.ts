/**
 * The market as one process, for a VM (or by hand): `node --import tsx runtime/market/cli.ts`, configured by the
 * environment. Exit status 2 for a bad setting.
 *
 *   GIRAFF_MARKET_HOST (0.0.0.0)  GIRAFF_MARKET_PORT (30008)  GIRAFF_STRATEGY (auction: picks the market rule)
 *   GIRAFF_MARKET_RULE (the strategy's)  GIRAFF_MARKET_PAYMENT_FALLBACK (true; false = GIRAFF's market, §17.2)
 *   GIRAFF_EVENTS (events .jsonl)  GIRAFF_RUN  GIRAFF_READY_FILE
 *   GIRAFF_OPERATOR_TOKEN_FILE (the operator token, `access.ts`; unset: a random one, printed on stderr at start)
 *   GIRAFF_MARKET_PINNED_KEYS_FILE (JSON {node id: Ed25519 public key}: the only nodes that may register)
 *   GIRAFF_MARKET_OPEN_REGISTRATION (false; true also lets nodes whose key is not pinned join)
 *   GIRAFF_MARKET_AGREEMENT_KEY_FILE (the market's X25519 key, PKCS#8 PEM, whose public half the nodes pin;
 *     unset: a fresh one)
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { createLogger } from "../log.ts";
import type { AgreementKeys } from "../protocol/bid-mac.ts";
import { ConfigError } from "../protocol/errors.ts";
import { strategy as strategyByName } from "../strategies/index.ts";
import type { MarketRuleName } from "../strategies/types.ts";
import { eventSinkFromEnv } from "../util/event-sink-env.ts";
import { booleanVar, ipVar, maybeVar, oneOfVar, portVar, type Env } from "../util/env-vars.ts";
import { isMain } from "../util/cli.ts";
import { serveUntilSignal, type Service, serviceOf } from "../util/serve.ts";
import { startMarket } from "./market.ts";
import { MARKET_RULES } from "./rules.ts";

export interface MarketSettings {
  host: string;
  port: number;
  rule: MarketRuleName;
  paymentFallback: boolean;
  run: string;
  operatorTokenFile: string | undefined;
  pinnedKeysFile: string | undefined;
  openRegistration: boolean;
  agreementKeyFile: string | undefined;
}

export function marketSettings(env: Env): MarketSettings {
  const strategy = maybeVar(env, "GIRAFF_STRATEGY") ?? "auction";
  const paired = strategyByName(strategy).marketRule;
  return {
    host: ipVar(env, "GIRAFF_MARKET_HOST", "0.0.0.0"),
    port: portVar(env, "GIRAFF_MARKET_PORT", 30008),
    rule: oneOfVar(env, "GIRAFF_MARKET_RULE", Object.keys(MARKET_RULES) as MarketRuleName[], paired),
    paymentFallback: booleanVar(env, "GIRAFF_MARKET_PAYMENT_FALLBACK", true),
    run: maybeVar(env, "GIRAFF_RUN") ?? "vm",
    operatorTokenFile: maybeVar(env, "GIRAFF_OPERATOR_TOKEN_FILE"),
    pinnedKeysFile: maybeVar(env, "GIRAFF_MARKET_PINNED_KEYS_FILE"),
    openRegistration: booleanVar(env, "GIRAFF_MARKET_OPEN_REGISTRATION", false),
    agreementKeyFile: maybeVar(env, "GIRAFF_MARKET_AGREEMENT_KEY_FILE"),
  };
}

/** The token in `GIRAFF_OPERATOR_TOKEN_FILE` (the Grid'5000 provider writes it there, readable by its owner only). */
function readOperatorToken(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new ConfigError("GIRAFF_OPERATOR_TOKEN_FILE", `\`GIRAFF_OPERATOR_TOKEN_FILE\` cannot be read: ${file}.`, {
      cause: err,
    });
  }
}

/** The keys in `GIRAFF_MARKET_PINNED_KEYS_FILE`: a JSON object from node id to Ed25519 public key (SPKI DER, base64). */
export function readPinnedKeys(file: string): Map<string, string> {
  const fail = (why: string, cause?: unknown) =>
    new ConfigError("GIRAFF_MARKET_PINNED_KEYS_FILE", `\`GIRAFF_MARKET_PINNED_KEYS_FILE\` (${file}) ${why}.`, {
      cause,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw fail("cannot be read as JSON", err);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw fail("must hold a JSON object from node id to public key");
  }
  const keys = new Map<string, string>();
  for (const [id, key] of Object.entries(parsed)) {
    if (typeof key !== "string" || key === "") throw fail(`has no public key string for node ${JSON.stringify(id)}`);
    keys.set(id, key);
  }
  return keys;
}

/** The X25519 key in `GIRAFF_MARKET_AGREEMENT_KEY_FILE` (the Grid'5000 provider writes it, owner only). */
export function readAgreementKey(file: string): AgreementKeys {
  try {
    const privateKey = createPrivateKey(readFileSync(file, "utf8"));
    if (privateKey.asymmetricKeyType !== "x25519") throw new Error(`a ${privateKey.asymmetricKeyType} key`);
    const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64");
    return { publicKey, privateKey };
  } catch (err) {
    throw new ConfigError(
      "GIRAFF_MARKET_AGREEMENT_KEY_FILE",
      `\`GIRAFF_MARKET_AGREEMENT_KEY_FILE\` is not a readable X25519 PKCS#8 PEM key: ${file}.`,
      { cause: err },
    );
  }
}

export async function startMarketFromEnv(env: Env): Promise<Service> {
  const s = marketSettings(env);
  const events = eventSinkFromEnv(env, "market");
  const market = await startMarket({
    host: s.host,
    port: s.port,
    run: s.run,
    rule: s.rule,
    paymentFallback: s.paymentFallback,
    ...(s.operatorTokenFile === undefined ? {} : { operatorToken: readOperatorToken(s.operatorTokenFile) }),
    ...(s.pinnedKeysFile === undefined ? {} : { pinnedKeys: readPinnedKeys(s.pinnedKeysFile) }),
    openRegistration: s.openRegistration,
    ...(s.agreementKeyFile === undefined ? {} : { agreement: readAgreementKey(s.agreementKeyFile) }),
    events,
    logger: createLogger("market"),
  });
  // a token drawn here is known to nobody else yet: its operator reads it on stderr
  if (s.operatorTokenFile === undefined) console.error(`market: operator token: ${market.opts.operatorToken}`);
  return serviceOf(market.url, market, events);
}

export const USAGE = `Usage: node --import tsx runtime/market/cli.ts   (the market; no argument but --help)

Configured by the environment (defaults in parentheses):
  GIRAFF_MARKET_HOST              (0.0.0.0)
  GIRAFF_MARKET_PORT              (30008)
  GIRAFF_STRATEGY                 picks the market rule (auction)
  GIRAFF_MARKET_RULE              (the strategy's)
  GIRAFF_MARKET_PAYMENT_FALLBACK  (true; false = GIRAFF's market)
  GIRAFF_EVENTS, GIRAFF_RUN, GIRAFF_READY_FILE
  GIRAFF_OPERATOR_TOKEN_FILE      the operator token (unset: a random one, printed on stderr)
  GIRAFF_MARKET_PINNED_KEYS_FILE  JSON {node id: public key}: the nodes that may register
  GIRAFF_MARKET_OPEN_REGISTRATION (false; true also lets nodes whose key is not pinned join)
  GIRAFF_MARKET_AGREEMENT_KEY_FILE the market's X25519 key, PKCS#8 PEM (unset: a fresh one)`;

if (isMain(import.meta.url)) process.exitCode = await serveUntilSignal("market", startMarketFromEnv, { usage: USAGE });
