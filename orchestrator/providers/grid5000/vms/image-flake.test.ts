/**
 * The VM image's Nix expressions cannot be built or evaluated against nixpkgs here (no network for the flake
 * inputs). Two layers of checks:
 *
 * - **Static** (always, CI included): the files read as text — the pinned NixOS release is a real, still maintained
 *   one, `system.stateVersion` is not newer than it, the image module gives the system a root file system and a
 *   boot loader, `nix flake check` has a check building the system, no Node.js past its end of life.
 * - **With `nix-instantiate`** (Debian's `nix-bin`; skipped without it, under CI=true too: flake parsing is
 *   optional in CI): the files parse, and the flake's outputs and modules are evaluated against small stubs of
 *   nixpkgs (no fetching), which checks their wiring, not nixpkgs' option names.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const FILES = ["flake.nix", "nix/giraff-ts.nix", "nix/fog-node.nix", "nix/fog-node-image.nix"];
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

const nix = (...args: string[]) => spawnSync("nix-instantiate", args, { cwd: ROOT, encoding: "utf8" });
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
/** The file without its comments (`# …` to the end of the line), so prose cannot satisfy a check. */
const code = (file: string) => read(file).replace(/(^|\s)#.*$/gm, "$1");

/**
 * The date the pin must still be maintained on (the issue "Grid'5000 on first contact": December 2026). Fixed,
 * so the test does not start failing by itself; move it forward together with the pin.
 */
const MAINTAINED_ON = "2026-12-01";

/**
 * The end of a NixOS release's maintenance: YY.05 until the end of December of YY, YY.11 until the end of June of
 * YY+1 (each release is supported about 7 months, until a month after the next one).
 */
function nixosEndOfLife(release: string): string {
  const match = /^(\d\d)\.(05|11)$/.exec(release);
  if (match === null) throw new Error(`${release} is not a NixOS release (YY.05 or YY.11)`);
  const year = 2000 + Number(match[1]);
  return match[2] === "05" ? `${year}-12-31` : `${year + 1}-06-30`;
}

const pinned = (): string => {
  const match = /nixpkgs\.url\s*=\s*"github:NixOS\/nixpkgs\/nixos-(\d\d\.\d\d)"/.exec(code("flake.nix"));
  if (match === null) throw new Error("flake.nix does not pin nixpkgs to a nixos-YY.MM branch");
  return match[1];
};

describe("flake.nix and nix/*.nix, read as text", () => {
  it("pins nixpkgs to a NixOS release branch still maintained in December 2026", () => {
    const release = pinned();
    expect(release).toBe("26.05");
    expect(nixosEndOfLife(release) >= MAINTAINED_ON).toBe(true);
  });

  it("knows NixOS's maintenance windows", () => {
    expect(nixosEndOfLife("24.11")).toBe("2025-06-30");
    expect(nixosEndOfLife("25.11")).toBe("2026-06-30");
    expect(nixosEndOfLife("26.05")).toBe("2026-12-31");
    expect(() => nixosEndOfLife("26.06")).toThrow(/not a NixOS release/);
  });

  it("sets system.stateVersion to a release not newer than the pinned one", () => {
    const match = /system\.stateVersion\s*=\s*"(\d\d\.\d\d)"/.exec(code("nix/fog-node.nix"));
    expect(match?.[1]).toBeDefined();
    expect(match![1] <= pinned()).toBe(true);
  });

  it("has nixpkgs as its only input (nixos-generators is deprecated since NixOS 25.05)", () => {
    const flake = code("flake.nix");
    expect(flake).not.toMatch(/nixos-generators/);
    expect(flake).toMatch(/outputs\s*=\s*\{\s*self,\s*nixpkgs\s*\}:/);
  });

  it("gives the system a root file system and a BIOS boot loader on the virtio disk, and builds the qcow2 from it", () => {
    const image = code("nix/fog-node-image.nix");
    expect(image).toMatch(/fileSystems\."\/"\s*=\s*\{[^}]*device\s*=\s*"\/dev\/disk\/by-label\/nixos";/);
    expect(image).toMatch(/fsType\s*=\s*"ext4";/);
    expect(image).toMatch(/autoResize\s*=\s*true;/);
    expect(image).toMatch(/boot\.growPartition\s*=\s*true;/);
    expect(image).toMatch(/boot\.loader\.grub\.device\s*=\s*"\/dev\/vda";/);
    expect(image).toMatch(/profiles\/qemu-guest\.nix/);
    expect(image).toMatch(/system\.build\.qcow2\s*=\s*import \(modulesPath \+ "\/\.\.\/lib\/make-disk-image\.nix"\)/);
    expect(image).toMatch(/format\s*=\s*"qcow2";/);
    expect(image).toMatch(/partitionTableType\s*=\s*"legacy";/);
  });

  it("evaluates one system: the image, the check and nixosConfigurations.fog-node", () => {
    const flake = code("flake.nix");
    expect(flake).toMatch(/fogNode\s*=\s*self\.nixosConfigurations\.fog-node\.config;/);
    expect(flake).toMatch(/fog-node-qcow2\s*=\s*fogNode\.system\.build\.qcow2;/);
    expect(flake).toMatch(
      /checks\.\$\{system\}\s*=\s*\{[^}]*fog-node-toplevel\s*=\s*fogNode\.system\.build\.toplevel;/,
    );
    expect(flake).toMatch(/self\.nixosModules\.fog-node\s+self\.nixosModules\.fog-node-image/);
    expect(flake).toMatch(/nixpkgs\.hostPlatform\s*=\s*system;/);
  });

  it("uses Node 22 everywhere (nodejs_20 is end of life, marked insecure in nixpkgs 26.05)", () => {
    for (const file of FILES) expect(code(file), file).not.toMatch(/nodejs_20\b/);
    expect(code("flake.nix")).toMatch(/\bnodejs_22\b/);
    expect(code("nix/fog-node.nix")).toMatch(/nodejs\s*=\s*pkgs\.nodejs_22;/);
    expect(code("nix/giraff-ts.nix")).toMatch(/nodejs\s*=\s*nodejs_22;/);
  });

  it("documents the command that fills npmDepsHash", () => {
    expect(read("nix/giraff-ts.nix")).toContain(
      "nix run --inputs-from . nixpkgs#prefetch-npm-deps -- package-lock.json",
    );
  });
});

describe.skipIf(!hasNix)(
  "flake.nix and nix/*.nix (optional, also in CI: skipped when nix-instantiate is missing)",
  () => {
    it.each(FILES)("%s parses", (file) => {
      const result = nix("--parse", file);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    });

    const evalJson = (expr: string): unknown => {
      const result = nix("--eval", "--strict", "--json", "-E", expr);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout);
    };

    it("declares nixpkgs as its only input and takes it in outputs (evaluated without fetching)", () => {
      const expr =
        "let f = import ./flake.nix; in [ (builtins.attrNames f.inputs) f.inputs.nixpkgs.url (builtins.attrNames (builtins.functionArgs f.outputs)) ]";
      expect(evalJson(expr)).toEqual([["nixpkgs"], "github:NixOS/nixpkgs/nixos-26.05", ["nixpkgs", "self"]]);
    });

    it("wires the outputs: the check and the image come from nixosConfigurations.fog-node (nixpkgs stubbed)", () => {
      // A stub nixpkgs: nixosSystem hands back its modules, so the wiring is visible without evaluating NixOS.
      const expr = `
        let
          flake = import ./flake.nix;
          nixpkgs = {
            lib.nixosSystem = args: {
              modules = args.modules;
              config.system.build = { toplevel = "toplevel"; qcow2 = "qcow2"; };
            };
            legacyPackages.x86_64-linux = {
              callPackage = f: args: "giraff-ts";
              mkShell = args: "shell";
              chromium = "chromium";
            };
          };
          self = flake.outputs { inherit self nixpkgs; };
          config = builtins.elemAt self.nixosConfigurations.fog-node.modules 2;
        in {
          checks = self.checks.x86_64-linux;
          qcow2 = self.packages.x86_64-linux.fog-node-qcow2;
          default = self.packages.x86_64-linux.default;
          modules = builtins.length self.nixosConfigurations.fog-node.modules;
          # Nix cannot compare functions: call the modules with stubs and look at what they define.
          image = ((builtins.elemAt self.nixosConfigurations.fog-node.modules 1) {
            config = { }; lib = { }; pkgs = { }; modulesPath = "/m";
          }).boot.loader.grub.device;
          node = builtins.attrNames ((builtins.elemAt self.nixosConfigurations.fog-node.modules 0) {
            config = { }; lib = { }; pkgs = { };
          });
          inherit config;
        }`;
      expect(evalJson(expr)).toEqual({
        checks: { "fog-node-toplevel": "toplevel", "giraff-ts": "giraff-ts" },
        qcow2: "qcow2",
        default: "qcow2",
        modules: 3,
        image: "/dev/vda",
        node: ["config", "options"],
        config: { nixpkgs: { hostPlatform: "x86_64-linux" }, giraff: { package: "giraff-ts" } },
      });
    });

    it("the image module sets the root file system and GRUB's device (module called with stubs)", () => {
      const expr = `
        let m = import ./nix/fog-node-image.nix { config = {}; lib = {}; pkgs = {}; modulesPath = "/nixos/modules"; };
        in { inherit (m) imports fileSystems; grub = m.boot.loader.grub; growPartition = m.boot.growPartition; }`;
      expect(evalJson(expr)).toEqual({
        imports: ["/nixos/modules/profiles/qemu-guest.nix"],
        fileSystems: { "/": { device: "/dev/disk/by-label/nixos", fsType: "ext4", autoResize: true } },
        grub: { device: "/dev/vda" },
        growPartition: true,
      });
    });

    it("the fog-node module runs Node 22, k3s from services.k3s.package, stateVersion 26.05 (module called with stubs)", () => {
      const expr = `
        let
          lib = {
            mkOption = o: o;
            types = { package = "package"; str = "str"; path = "path"; nullOr = t: t; };
            mkIf = c: v: v;
            optional = c: v: if c then [ v ] else [ ];
          };
          config = {
            giraff = {
              package = "/giraff"; site = "nancy"; login = null; authorizedKeysFile = null;
              envFile = "/etc/giraff/node.env"; nodeEntry = "runtime/node/cli.ts"; proxyEntry = "runtime/proxy/cli.ts";
            };
            services.k3s.package = "/k3s";
          };
          pkgs = { nodejs_22 = "/node22"; coreutils = "/coreutils"; iproute2 = "/iproute2"; iputils = "/iputils"; jq = "/jq"; };
          m = (import ./nix/fog-node.nix { inherit config lib pkgs; }).config;
        in {
          stateVersion = m.system.stateVersion;
          k3s = { inherit (m.services.k3s) enable role extraFlags; };
          systemPackages = m.environment.systemPackages;
          node = m.systemd.services.giraff-node.serviceConfig.ExecStart;
          applyPath = m.systemd.services.openfaas-apply.path;
        }`;
      expect(evalJson(expr)).toEqual({
        stateVersion: "26.05",
        k3s: {
          enable: true,
          role: "server",
          extraFlags: [
            "--disable traefik,local-storage,servicelb",
            "--flannel-backend=host-gw",
            "--disable-network-policy",
            "--disable-cloud-controller",
            "--write-kubeconfig-mode=0644",
          ],
        },
        systemPackages: ["/node22", "/k3s", "/iproute2", "/iputils", "/jq"],
        node: "/node22/bin/node --import tsx /giraff/lib/giraff-ts/runtime/node/cli.ts",
        applyPath: ["/k3s", "/coreutils"],
      });
    });
  },
);
