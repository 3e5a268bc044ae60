# The functions of functions/ as OpenFaaS images, built by Nix from the packaged repository (giraff-ts.nix: the
# sources with their package-lock-pinned node_modules), so the VM needs no registry for them. Each image is what
# functions/Dockerfile builds: OpenFaaS's of-watchdog in http mode on 8080 in front of
# `node --import tsx functions/<folder>/index.ts` on 127.0.0.1:5000, as a non-root user.
#
# function-images.json maps each folder of functions/ to the image name the workloads ask for
# (orchestrator/plan/workload/pipelines.ts, DEFAULT_IMAGES: `giraff:fn_<name>`, `_` where folders have `-`);
# orchestrator/providers/grid5000/vms/image-flake.test.ts checks that every folder and every such name is there.
#
# The images are streamed (dockerTools.streamLayeredImage: a script that writes the archive), not stored: one
# layer per store path, and those paths (Node, the repository) are already in the VM's closure for its own
# services, so four images cost the image almost nothing; offline-images.nix imports them into k3s at boot.
#
# of-watchdog is not in nixpkgs: it is built from its release tag (its modules are vendored, so only the source
# hash is needed). The hash is a PLACEHOLDER (lib.fakeHash) until filled; from the repository root:
#
#   nix run --inputs-from . nixpkgs#nix-prefetch-github -- openfaas of-watchdog --rev 0.9.15
#
# prints a `"hash": "sha256-…"` to put below (or take the `got: sha256-…` of a failing build).
{ lib, dockerTools, buildGoModule, fetchFromGitHub, nodejs_22, giraff-ts }:

let
  repo = "${giraff-ts}/lib/giraff-ts";
  names = lib.importJSON ./function-images.json;

  # GIRAFF's functions run behind of-watchdog 0.9.15 (functions/Dockerfile pins the same release).
  watchdog = buildGoModule rec {
    pname = "of-watchdog";
    version = "0.9.15";
    src = fetchFromGitHub {
      owner = "openfaas";
      repo = "of-watchdog";
      rev = version;
      hash = lib.fakeHash;
    };
    vendorHash = null; # the repository carries vendor/
    subPackages = [ "." ];
    env.CGO_ENABLED = 0;
    ldflags = [ "-s" "-w" ];
    # a pinned upstream release, tested by its own CI; its tests would only lengthen the image build
    doCheck = false;
    postInstall = "mv $out/bin/of-watchdog $out/bin/fwatchdog";
    meta.mainProgram = "fwatchdog";
  };

  image = folder: reference:
    let
      parts = lib.splitString ":" reference;
    in
    assert lib.assertMsg (builtins.length parts == 2)
      "nix/function-images.json: `${folder}` has image `${reference}`, expected <repository>:<tag>";
    dockerTools.streamLayeredImage {
      name = builtins.elemAt parts 0;
      tag = builtins.elemAt parts 1;
      # of-watchdog writes its lock file and tsx its cache there, as a non-root user
      extraCommands = "mkdir -m 1777 tmp";
      config = {
        Cmd = [ "${watchdog}/bin/fwatchdog" ];
        User = "1000:1000";
        # `--import tsx` resolves from here: the repository's node_modules
        WorkingDir = repo;
        Env = [
          "fprocess=${nodejs_22}/bin/node --import tsx functions/${folder}/index.ts"
          "mode=http"
          "upstream_url=http://127.0.0.1:5000"
          "PORT=5000"
          "HOST=127.0.0.1"
          # the watchdog's own 10 s default would cut a call the gateway still allows (its upstream_timeout: 60 s)
          "exec_timeout=65s"
          "read_timeout=65s"
          "write_timeout=65s"
        ];
        ExposedPorts."8080/tcp" = { };
      };
      passthru = { inherit folder reference; };
    };
in
{
  inherit watchdog;
  # folder of functions/ -> a script printing that function's image as a docker archive on stdout
  images = lib.mapAttrs image names;
}
