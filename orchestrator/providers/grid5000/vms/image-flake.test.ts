/**
 * The VM image's Nix expressions are only checked for syntax here (no network for the flake inputs, so nothing
 * can be built or evaluated against nixpkgs). The check needs `nix-instantiate` (Debian's `nix-bin`) and is
 * skipped without it, under CI=true too: flake parsing is optional in CI.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const FILES = ["flake.nix", "nix/giraff-ts.nix", "nix/fog-node.nix"];
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

const nix = (...args: string[]) => spawnSync("nix-instantiate", args, { cwd: ROOT, encoding: "utf8" });

describe.skipIf(!hasNix)(
  "flake.nix and nix/*.nix (optional, also in CI: skipped when nix-instantiate is missing)",
  () => {
    it.each(FILES)("%s parses", (file) => {
      const result = nix("--parse", file);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    });

    it("declares nixpkgs and nixos-generators as inputs and takes them in outputs (evaluated without fetching)", () => {
      const expr =
        "let f = import ./flake.nix; in [ (builtins.attrNames f.inputs) (builtins.attrNames (builtins.functionArgs f.outputs)) ]";
      const result = nix("--eval", "--strict", "--json", "-E", expr);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([
        ["nixos-generators", "nixpkgs"],
        ["nixos-generators", "nixpkgs", "self"],
      ]);
    });
  },
);
