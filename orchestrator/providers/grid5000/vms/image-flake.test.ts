/**
 * The VM image's Nix expressions cannot be built or evaluated against nixpkgs here (no network for the flake
 * inputs). Two layers of checks:
 *
 * - **Static** (always, CI included): the files read as text — the pinned NixOS release is a real, still maintained
 *   one, `system.stateVersion` is not newer than it, the image module gives the system a root file system and a
 *   boot loader, `nix flake check` has a check building the system, no Node.js past its end of life.
 * - **No registry** (always): every function of functions/ and every image the workloads ask for is built into the
 *   image (nix/function-images.json), every image the OpenFaaS manifests name is pinned (nix/openfaas/images.json),
 *   k3s's own images come from its airgap archive, and no manifest lets Kubernetes pull. Each check is a function
 *   returning its problems, and is shown to report one when one image is taken away.
 * - **With `nix-instantiate`** (Debian's `nix-bin`; skipped without it, a failure under CI=true, where `.ci/run`
 *   installs it): the files parse, and the flake's outputs and modules are evaluated against small stubs of
 *   nixpkgs (no fetching), which checks their wiring, not nixpkgs' option names.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { functionFolderOfImage } from "../../../../runtime/faas/image-folder.ts";
import { DEFAULT_IMAGES } from "../../../plan/workload/pipelines.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const FILES = [
  "flake.nix",
  "nix/giraff-ts.nix",
  "nix/fog-node.nix",
  "nix/fog-node-image.nix",
  "nix/offline-images.nix",
  "nix/function-images.nix",
  "nix/openfaas/images.nix",
];
const hasNix = execaSync("nix-instantiate", ["--version"], { reject: false }).exitCode === 0;
if (!hasNix && process.env.CI === "true") {
  throw new Error("nix-instantiate is missing: install the Debian package `nix-bin` (apt-get install -y nix-bin).");
}

/** nix-instantiate's answer, failed or not: the tests read its exit code and stderr themselves. */
const nix = (...args: string[]) => execaSync("nix-instantiate", args, { cwd: ROOT, reject: false });
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

// ---------------------------------------------------------------------------------------------------------------
// No registry: each check returns its problems (empty: fine), so a test can show that it reports a missing image.

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: { name: string; value: string }[];
}
interface Manifest {
  kind: string;
  spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } };
}
/** One entry of nix/openfaas/images.json: what `nix-prefetch-docker --json` prints (digest and hash null until then). */
interface ImagePin {
  imageName: string;
  imageDigest: string | null;
  sha256?: string | null;
  hash?: string | null;
  finalImageName: string;
  finalImageTag: string;
}

const readJson = <T>(file: string): T => JSON.parse(read(file)) as T;
/** The folders of functions/ that are functions: the ones with an index.ts (lib/ has none). */
const functionFolders = (): string[] =>
  readdirSync(join(ROOT, "functions"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, "functions", d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
const functionPins = () => readJson<Record<string, string>>("nix/function-images.json");
const openfaasPins = () => readJson<Record<string, ImagePin>>("nix/openfaas/images.json");
const manifests = () => readJson<{ items: Manifest[] }>("nix/openfaas/gateway.json").items;
const containersOf = (list: Manifest[]): Container[] =>
  list.flatMap((m) => [
    ...(m.spec?.template?.spec?.initContainers ?? []),
    ...(m.spec?.template?.spec?.containers ?? []),
  ]);
const NO_PULL = new Set(["Never", "IfNotPresent"]);

/** Every function folder has an image, every image the workloads ask for is built, and each names its folder. */
function functionImageProblems(folders: string[], pins: Record<string, string>, wanted: string[]): string[] {
  const problems: string[] = [];
  for (const folder of folders)
    if (!(folder in pins)) problems.push(`functions/${folder} has no image in nix/function-images.json`);
  for (const [folder, image] of Object.entries(pins)) {
    if (!folders.includes(folder))
      problems.push(`nix/function-images.json builds ${folder}, not a folder of functions/`);
    // the embedded gateway's reading of the same name: both FaaS modes must run the same folder for an image
    const named = functionFolderOfImage(image)?.replaceAll("_", "-");
    if (named !== folder) problems.push(`${image} is built from functions/${folder} but names functions/${named}`);
  }
  const built = new Set(Object.values(pins));
  for (const image of wanted)
    if (!built.has(image)) problems.push(`${image}, which the workloads deploy, is not built`);
  return problems;
}

/** Every image a container of the OpenFaaS manifests names is pinned, to be imported from the VM image. */
function manifestImageProblems(list: Manifest[], pins: Record<string, ImagePin>): string[] {
  const pinned = new Set(Object.values(pins).map((p) => `${p.finalImageName}:${p.finalImageTag}`));
  return containersOf(list)
    .filter((c) => !pinned.has(c.image))
    .map((c) => `${c.image} (container ${c.name}) is not pinned in nix/openfaas/images.json`);
}

/** No container may pull, and faas-netes must deploy functions that do not pull (its default is Always). */
function pullPolicyProblems(list: Manifest[]): string[] {
  const problems: string[] = [];
  for (const c of containersOf(list)) {
    if (!NO_PULL.has(c.imagePullPolicy ?? ""))
      problems.push(`container ${c.name}: imagePullPolicy ${c.imagePullPolicy ?? "unset"} may pull`);
    if (c.name === "faas-netes") {
      const policy = c.env?.find((e) => e.name === "image_pull_policy")?.value;
      if (!NO_PULL.has(policy ?? ""))
        problems.push(`faas-netes deploys functions with image_pull_policy ${policy ?? "unset (Always)"}`);
    }
  }
  return problems;
}

/** The NixOS side (comments stripped): what k3s is handed, and the function images imported before the gateway. */
function k3sImageProblems(offline: string, fogNode: string): string[] {
  const problems: string[] = [];
  const images = /services\.k3s\.images\s*=\s*([^;]*);/.exec(offline)?.[1] ?? "";
  if (!/\[\s*k3s\.airgap-images\s*\]/.test(images))
    problems.push("k3s's own images (pause, coredns, …) are not in services.k3s.images (k3s.airgap-images)");
  if (!/\blib\.attrValues openfaasImages\b/.test(images))
    problems.push("OpenFaaS's images are not in services.k3s.images");
  if (!/openfaasImages\s*=\s*\(pkgs\.callPackage \.\/openfaas\/images\.nix \{ \}\)\.images;/.test(offline))
    problems.push("openfaasImages is not every pin of nix/openfaas/images.nix");
  if (!/functionImages\s*=\s*\(pkgs\.callPackage \.\/function-images\.nix \{[^}]*\}\)\.images;/.test(offline))
    problems.push("functionImages is not every image of nix/function-images.nix");
  if (
    !/lib\.mapAttrsToList \(folder: stream:[\s\S]*\$\{stream\} \| k3s ctr --namespace k8s\.io images import -[\s\S]*\) functionImages/.test(
      offline,
    )
  )
    problems.push("the function images are not all imported into containerd's k8s.io namespace");
  if (!/openfaas-apply = \{[^}]*requires = \[ "giraff-function-images\.service" \];/.test(offline))
    problems.push("the gateway may start before the function images are imported");
  if (!/imports = \[ \.\/offline-images\.nix \];/.test(fogNode))
    problems.push("nix/fog-node.nix does not import offline-images.nix");
  return problems;
}

describe("the VM image needs no registry", () => {
  const wanted = Object.values(DEFAULT_IMAGES);
  const offline = () => code("nix/offline-images.nix");
  const fogNode = () => code("nix/fog-node.nix");

  it("builds an image for every function of functions/ and every image the workloads deploy", () => {
    expect(functionFolders()).toEqual(["busy-spin", "echo", "image-transform", "sentiment"]);
    expect(functionImageProblems(functionFolders(), functionPins(), wanted)).toEqual([]);
  });

  it("reports a function without an image, an image without a function and an image no folder matches", () => {
    const { echo, ...withoutEcho } = functionPins();
    expect(echo).toBe("giraff:fn_echo");
    expect(functionImageProblems(functionFolders(), withoutEcho, wanted)).toEqual([
      "functions/echo has no image in nix/function-images.json",
      "giraff:fn_echo, which the workloads deploy, is not built",
    ]);
    expect(functionImageProblems(["echo"], { echo: "giraff:fn_echo", gone: "giraff:fn_gone" }, [])).toEqual([
      "nix/function-images.json builds gone, not a folder of functions/",
    ]);
    expect(functionImageProblems(["echo"], { echo: "giraff:fn_ping" }, [])).toEqual([
      "giraff:fn_ping is built from functions/echo but names functions/ping",
    ]);
  });

  it("pins every image the OpenFaaS manifests name, at the manifests' versions", () => {
    expect(containersOf(manifests()).map((c) => c.image)).toEqual([
      "ghcr.io/openfaas/gateway:0.27.2",
      "ghcr.io/openfaas/faas-netes:0.17.1",
    ]);
    expect(manifestImageProblems(manifests(), openfaasPins())).toEqual([]);
    const { gateway, ...withoutGateway } = openfaasPins();
    expect(gateway?.finalImageTag).toBe("0.27.2");
    expect(manifestImageProblems(manifests(), withoutGateway)).toEqual([
      "ghcr.io/openfaas/gateway:0.27.2 (container gateway) is not pinned in nix/openfaas/images.json",
    ]);
  });

  it("lets no container pull and makes faas-netes deploy functions that do not pull", () => {
    expect(pullPolicyProblems(manifests())).toEqual([]);
    const pulling = structuredClone(manifests());
    for (const c of containersOf(pulling)) {
      if (c.name === "gateway") delete c.imagePullPolicy;
      for (const e of c.env ?? []) if (e.name === "image_pull_policy") e.value = "Always";
    }
    expect(pullPolicyProblems(pulling)).toEqual([
      "container gateway: imagePullPolicy unset may pull",
      "faas-netes deploys functions with image_pull_policy Always",
    ]);
  });

  it("hands k3s its airgap images and OpenFaaS's, and imports every function image before the gateway starts", () => {
    expect(k3sImageProblems(offline(), fogNode())).toEqual([]);
    const withoutAirgap = offline().replace("[ k3s.airgap-images ] ++ ", "");
    expect(k3sImageProblems(withoutAirgap, fogNode())).toEqual([
      "k3s's own images (pause, coredns, …) are not in services.k3s.images (k3s.airgap-images)",
    ]);
    const withoutOpenfaas = offline().replace(" ++ lib.attrValues openfaasImages", "");
    expect(k3sImageProblems(withoutOpenfaas, fogNode())).toEqual(["OpenFaaS's images are not in services.k3s.images"]);
    expect(
      k3sImageProblems(offline().replace("| k3s ctr --namespace k8s.io images", "| k3s ctr images"), fogNode()),
    ).toEqual(["the function images are not all imported into containerd's k8s.io namespace"]);
  });

  it("pins each OpenFaaS image by digest, or names the one command that pins it", () => {
    const pending: string[] = [];
    for (const [key, pin] of Object.entries(openfaasPins())) {
      expect(pin.imageName, key).toBe(pin.finalImageName);
      if (pin.imageDigest === null) {
        pending.push(key);
        expect(pin.sha256 ?? pin.hash ?? null, key).toBeNull();
        const command = `nix-prefetch-docker -- --image-name ${pin.imageName} --image-tag ${pin.finalImageTag} --json`;
        expect(read("nix/README.md"), key).toContain(command);
        continue;
      }
      expect(pin.imageDigest, key).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(pin.sha256 ?? pin.hash, key).toMatch(/^(?:[0-9a-z]{52}|sha256-[A-Za-z0-9+/]{43}=)$/);
    }
    // faas-netes 0.17.1's digest was found nowhere offline: filling it is a visible change of this line
    expect(pending).toEqual(["faas-netes"]);
    // and nix/openfaas/images.nix refuses to evaluate an unpinned entry, printing the command
    expect(code("nix/openfaas/images.nix")).toMatch(/if !\(given \? imageDigest\)[\s\S]*then\s+throw/);
  });

  it("builds the images as functions/Dockerfile does, and documents of-watchdog's source hash", () => {
    const images = code("nix/function-images.nix");
    expect(images).toMatch(/names = lib\.importJSON \.\/function-images\.json;/);
    expect(images).toMatch(/images = lib\.mapAttrs image names;/);
    expect(images).toContain('"fprocess=${nodejs_22}/bin/node --import tsx functions/${folder}/index.ts"');
    expect(images).toMatch(/"mode=http"\s+"upstream_url=http:\/\/127\.0\.0\.1:5000"\s+"PORT=5000"/);
    expect(images).toMatch(/Cmd = \[ "\$\{watchdog\}\/bin\/fwatchdog" \];/);
    expect(read("functions/Dockerfile")).toContain("of-watchdog:0.9.15");
    expect(images).toMatch(/version = "0\.9\.15";/);
    expect(read("nix/function-images.nix")).toContain(
      "nix run --inputs-from . nixpkgs#nix-prefetch-github -- openfaas of-watchdog --rev 0.9.15",
    );
  });
});

describe.skipIf(!hasNix)("flake.nix and nix/*.nix (with nix-instantiate; required under CI=true)", () => {
  it.each(FILES)("%s parses", (file) => {
    const result = nix("--parse", file);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  const evalJson = (expr: string): unknown => {
    const result = nix("--eval", "--strict", "--json", "-E", expr);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
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
            lib = {
              nixosSystem = args: {
                modules = args.modules;
                config.system.build = { toplevel = "toplevel"; qcow2 = "qcow2"; };
              };
              nameValuePair = name: value: { inherit name value; };
              mapAttrs' = f: set: builtins.listToAttrs (map (n: f n set.\${n}) (builtins.attrNames set));
            };
            legacyPackages.x86_64-linux = {
              # giraff-ts (a derivation: JSON shows its outPath) and the function images, from one stub
              callPackage = f: args: { outPath = "giraff-ts"; images.echo = "image-echo"; };
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
          functionImage = self.packages.x86_64-linux.function-image-echo;
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
      functionImage: "image-echo",
      modules: 3,
      image: "/dev/vda",
      node: ["config", "imports", "options"],
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

  // Small stand-ins for the parts of nixpkgs' lib the image files use (the real ones need nixpkgs, not here).
  const STUB_LIB = `{
      importJSON = f: builtins.fromJSON (builtins.readFile f);
      mapAttrs = builtins.mapAttrs;
      attrValues = builtins.attrValues;
      filterAttrs = pred: set: builtins.removeAttrs set (builtins.filter (n: !(pred n set.\${n})) (builtins.attrNames set));
      mapAttrsToList = f: set: map (n: f n set.\${n}) (builtins.attrNames set);
      concatStrings = builtins.concatStringsSep "";
      splitString = sep: s: builtins.filter builtins.isString (builtins.split sep s);
      assertMsg = ok: msg: ok || throw msg;
      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    }`;

  it("pulls each pinned OpenFaaS image and refuses an unpinned one (nixpkgs stubbed)", () => {
    const expr = `
        let
          images = import ./nix/openfaas/images.nix {
            lib = ${STUB_LIB};
            dockerTools.pullImage = args: args;
          };
        in {
          gateway = { inherit (images.images.gateway) imageName imageDigest finalImageTag; };
          faasNetes = (builtins.tryEval images.images.faas-netes).success;
        }`;
    expect(evalJson(expr)).toEqual({
      gateway: {
        imageName: "ghcr.io/openfaas/gateway",
        imageDigest: "sha256:82c69e33a2db3d9b3a8bced0e1ee4833bb4277a71097df843741f9540cee343a",
        finalImageTag: "0.27.2",
      },
      faasNetes: false,
    });
  });

  it("builds one image per function, as functions/Dockerfile does (nixpkgs stubbed)", () => {
    const expr = `
        let
          built = import ./nix/function-images.nix {
            lib = ${STUB_LIB};
            dockerTools.streamLayeredImage = args: args;
            buildGoModule = args: { outPath = "/watchdog"; inherit (args) version; };
            fetchFromGitHub = args: args;
            nodejs_22 = "/node22";
            giraff-ts = "/giraff";
          };
          echo = built.images.echo;
        in {
          names = builtins.mapAttrs (_: i: "\${i.name}:\${i.tag}") built.images;
          inherit (echo.config) Cmd User WorkingDir;
          fprocess = builtins.head echo.config.Env;
          watchdog = built.watchdog.version;
        }`;
    expect(evalJson(expr)).toEqual({
      names: {
        "busy-spin": "giraff:fn_busy_spin",
        echo: "giraff:fn_echo",
        "image-transform": "giraff:fn_image_transform",
        sentiment: "giraff:fn_sentiment",
      },
      Cmd: ["/watchdog/bin/fwatchdog"],
      User: "1000:1000",
      WorkingDir: "/giraff/lib/giraff-ts",
      fprocess: "fprocess=/node22/bin/node --import tsx functions/echo/index.ts",
      watchdog: "0.9.15",
    });
  });

  it("hands k3s the airgap and OpenFaaS archives and imports the function images (module called with stubs)", () => {
    const expr = `
        let
          pkgs = {
            callPackage = f: args:
              if baseNameOf f == "function-images.nix"
              then { images.echo = { outPath = "/stream-echo"; reference = "giraff:fn_echo"; }; }
              else { images.gateway = "/pulled-gateway"; override = "what callPackage adds"; };
            coreutils = "/coreutils";
          };
          config = {
            services.k3s.package = { outPath = "/k3s"; airgap-images = "/airgap"; };
            giraff.package = "/giraff";
          };
          m = import ./nix/offline-images.nix { inherit config pkgs; lib = ${STUB_LIB}; };
        in {
          images = m.services.k3s.images;
          requires = m.systemd.services.openfaas-apply.requires;
          # one match of the import line splits the script in three
          imports = builtins.length (builtins.split "/stream-echo [|] k3s ctr --namespace k8s[.]io images import -"
            m.systemd.services.giraff-function-images.script);
        }`;
    expect(evalJson(expr)).toEqual({
      images: ["/airgap", "/pulled-gateway"],
      requires: ["giraff-function-images.service"],
      imports: 3,
    });
  });
});
