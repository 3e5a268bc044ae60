/**
 * The fake's TLS material: a throwaway CA and a server certificate for 127.0.0.1, ::1 and localhost, made with the
 * system's `openssl` binary (Debian's `openssl` package) the first time a fake starts in a process, in a private
 * temporary folder removed when the process exits. The real API is HTTPS only, so the fake is too: a client must
 * trust this CA (`NODE_EXTRA_CA_CERTS=<caPath>`, `G5K_API_CA=<caPath>` or the client's `ca`) to talk to it, exactly
 * as a user behind a corporate CA would. Nothing here is ever trusted by default.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execa, ExecaError } from "execa";

export interface FakeTls {
  /** The CA certificate (PEM) that signed {@link cert}: what a client must trust. */
  ca: string;
  /** The same CA as a file, for `NODE_EXTRA_CA_CERTS` or `G5K_API_CA`. */
  caPath: string;
  /** The server's certificate (PEM) and private key (PEM). */
  cert: string;
  key: string;
}

// A config of our own, so the system's openssl.cnf defaults cannot add or clash with extensions.
const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

let shared: Promise<FakeTls> | undefined;

/** This process's throwaway CA and server certificate, made once. */
export function fakeTls(): Promise<FakeTls> {
  shared ??= makeFakeTls().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** Makes a fresh CA and server certificate (valid two days) in a temporary folder removed at exit. */
export async function makeFakeTls(): Promise<FakeTls> {
  const dir = mkdtempSync(join(tmpdir(), "giraff-fake-g5k-tls-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const at = (name: string) => join(dir, name);
  writeFileSync(at("openssl.cnf"), CONFIG);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = async (args: string[]) => {
    try {
      await execa("openssl", args, { cwd: dir, timeout: 30_000, stdin: "ignore" });
    } catch (cause) {
      if (!(cause instanceof ExecaError)) throw cause;
      throw new Error(
        cause.code === "ENOENT"
          ? "The fake Grid'5000 API needs the `openssl` binary (Debian package `openssl`) to make its test CA."
          : `openssl ${args[0]} failed while making the fake Grid'5000 API's test CA: ${cause.message}`,
        { cause },
      );
    }
  };
  const cfg = ["-config", at("openssl.cnf")];
  // prettier-ignore
  await openssl(["req", "-x509", ...ec, ...cfg, "-extensions", "ca", "-days", "2", "-subj",
    "/CN=GIRAFF-TS fake Grid'5000 throwaway CA", "-keyout", at("ca.key"), "-out", at("ca.pem")]);
  // prettier-ignore
  await openssl(["req", "-new", ...ec, ...cfg, "-subj", "/CN=127.0.0.1", "-keyout", at("server.key"),
    "-out", at("server.csr")]);
  // prettier-ignore
  await openssl(["x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"),
    "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", "2", "-extfile", at("openssl.cnf"),
    "-extensions", "server", "-out", at("server.pem")]);
  rmSync(at("ca.key"));
  return {
    ca: readFileSync(at("ca.pem"), "utf8"),
    caPath: at("ca.pem"),
    cert: readFileSync(at("server.pem"), "utf8"),
    key: readFileSync(at("server.key"), "utf8"),
  };
}
