/**
 * Loading the SSH credentials once, before any connection: an ssh-agent socket (`SSH_AUTH_SOCK`) first, then the
 * key file (`G5K_SSH_KEY`), decrypted with `G5K_SSH_KEY_PASSPHRASE` when it is protected. A key that cannot be used
 * is a `ConfigError` naming the file and the variable to set; neither the key nor the passphrase is ever quoted.
 */
import { readFile } from "node:fs/promises";
import ssh2 from "ssh2";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import type { Credentials, Logger } from "./types.ts";

const { utils } = ssh2;

/** What connections use: at least one of `agent` and `privateKey`. */
export interface LoadedCredentials {
  agent?: string | undefined;
  privateKey?: Buffer | undefined;
  passphrase?: string | undefined;
}

/** Reads and checks the key (a wrong passphrase fails here, not on every host). */
export async function loadCredentials(credentials: Credentials, logger: Logger): Promise<LoadedCredentials> {
  const { privateKey, privateKeyPath, passphrase } = credentials;
  const agent = credentials.agent === "" ? undefined : credentials.agent;
  if (privateKey !== undefined && privateKeyPath !== undefined) {
    throw new TypeError("Expected at most one of `credentials.privateKey` and `credentials.privateKeyPath`.");
  }
  if (privateKey === undefined && privateKeyPath === undefined && agent === undefined) {
    throw new TypeError("Expected `credentials.agent`, `credentials.privateKey` or `credentials.privateKeyPath`.");
  }
  const which = privateKeyPath ?? "given as a buffer";
  let key: Buffer | undefined;
  if (privateKey !== undefined) key = Buffer.from(privateKey);
  else if (privateKeyPath !== undefined) {
    try {
      key = await readFile(privateKeyPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
      if (agent !== undefined) {
        logger.info(
          `using the ssh-agent at ${agent} only: the key file ${privateKeyPath} could not be read (${code}).`,
        );
        return { agent };
      }
      throw new ConfigError(
        "G5K_SSH_KEY",
        `The SSH key ${privateKeyPath} could not be read (${code}) and no ssh-agent is available (SSH_AUTH_SOCK is ` +
          "not set): set G5K_SSH_KEY to your Grid'5000 private key, or start an ssh-agent and ssh-add the key.",
      );
    }
  }
  if (key === undefined) return { agent };
  const parsed = utils.parseKey(key, passphrase);
  if (!(parsed instanceof Error)) return { agent, privateKey: key, passphrase };
  const encrypted = /no passphrase given/i.test(parsed.message);
  if (encrypted && agent !== undefined) {
    logger.info(
      `the key file ${which} is encrypted and G5K_SSH_KEY_PASSPHRASE is not set: using the ssh-agent at ${agent} only.`,
    );
    return { agent };
  }
  if (encrypted) {
    throw new ConfigError(
      "G5K_SSH_KEY_PASSPHRASE",
      `The SSH key ${which} is protected by a passphrase, and neither G5K_SSH_KEY_PASSPHRASE nor an ssh-agent ` +
        "(SSH_AUTH_SOCK) is available: export G5K_SSH_KEY_PASSPHRASE in the environment (never in the campaign's " +
        ".env, which git tracks), or ssh-add the key to a running ssh-agent.",
    );
  }
  const bad = /bad passphrase/i.test(parsed.message);
  throw new ConfigError(
    bad ? "G5K_SSH_KEY_PASSPHRASE" : "G5K_SSH_KEY",
    bad
      ? `The private key (${which}) could not be used: ${parsed.message.replace(/\.?$/, ".")} Check G5K_SSH_KEY_PASSPHRASE.`
      : `The private key (${which}) could not be used: ${parsed.message.replace(/\.?$/, ".")}`,
  );
}
