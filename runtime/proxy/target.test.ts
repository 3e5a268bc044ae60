// The request-target forms the proxy accepts, and the 4xx naming the field for the others.
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../protocol/errors.ts";
import { parseTarget } from "./target.ts";

function rejection(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
}

describe("parseTarget", () => {
  it("takes the absolute-form target, as Go's and Node's clients send through a proxy", () => {
    const t = parseTarget("http://10.0.0.2:31112/function/fogfn-1?x=1", {});
    expect(t).toMatchObject({ host: "10.0.0.2", form: "absolute" });
    expect(t.url.href).toBe("http://10.0.0.2:31112/function/fogfn-1?x=1");
  });

  it("takes origin-form /proxy with a GIRAFF-Target header or a url query parameter", () => {
    expect(parseTarget("/proxy", { "giraff-target": "http://10.0.0.3/function/f" })).toMatchObject({
      host: "10.0.0.3",
      form: "header",
    });
    const q = parseTarget(`/proxy?url=${encodeURIComponent("http://[::1]:8080/function/f")}`, {});
    expect(q).toMatchObject({ host: "::1", form: "query" });
  });

  it("names the field and the rule for a missing target, a bad URL, another scheme or credentials", () => {
    expect(rejection(() => parseTarget("/function/f", {}))).toMatchObject({ field: "request-target", status: 400 });
    expect(rejection(() => parseTarget("/proxy", { "giraff-target": "not a url" })).field).toBe("GIRAFF-Target");
    const https = rejection(() => parseTarget("https://10.0.0.2/f", {}));
    expect(https.field).toBe("request-target");
    expect(https.rule).toMatch(/`https` is not proxied/);
    expect(rejection(() => parseTarget("/?url=ftp%3A%2F%2Fx%2F", {})).field).toBe("url");
    expect(rejection(() => parseTarget("http://u:p@10.0.0.2/f", {})).rule).toMatch(/without credentials/);
  });
});
