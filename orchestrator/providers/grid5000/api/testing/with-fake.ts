/**
 * Test set-up shared by the client's tests: a fake Grid'5000 on loopback (HTTPS), and a client that trusts the
 * fake's CA, whose clock and sleep are the fake's virtual time and whose log lines are captured for assertions.
 */
import { defaultGrid5000Effects, type Grid5000Effects } from "../effects.ts";
import { Grid5000Client, type Grid5000Auth, type Grid5000ClientOptions } from "../client.ts";
import { DEFAULT_FAKE_AUTH, startFakeGrid5000, type FakeGrid5000, type FakeGrid5000Options } from "../../fake/index.ts";

export const LOGIN = "alice";
export const PASSWORD = "s3cret-Pa55";
export const TOKEN = Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64");

export interface Harness {
  fake: FakeGrid5000;
  client: Grid5000Client;
  logs: string[];
  effects: Grid5000Effects;
}

export async function withFake(
  run: (h: Harness) => Promise<void>,
  opts: { fake?: FakeGrid5000Options; auth?: Grid5000Auth; client?: Partial<Grid5000ClientOptions> } = {},
): Promise<void> {
  const fake = await startFakeGrid5000({ auth: DEFAULT_FAKE_AUTH, ...opts.fake });
  const logs: string[] = [];
  const effects: Grid5000Effects = {
    http: defaultGrid5000Effects.http,
    now: fake.virtualTime.now,
    sleep: fake.virtualTime.sleep,
    log: (line) => logs.push(line),
  };
  const client = new Grid5000Client(
    {
      baseUrl: fake.baseUrl,
      auth: opts.auth ?? { mode: "basic", username: LOGIN, password: PASSWORD },
      // the fake speaks HTTPS with a throwaway CA: trusted here, as a user behind a corporate CA would
      ca: fake.ca,
      ...opts.client,
    },
    effects,
  );
  try {
    await run({ fake, client, logs, effects });
  } finally {
    await fake.close();
  }
}

export const SUBMISSION = {
  name: "giraff-test",
  resources: "{cluster='gros'}/nodes=3+slash_22=1,walltime=02:00:00",
  command: "sleep 31536000",
  types: ["origin=giraff-ts"],
  queue: "default",
};
