# The repository as the fog-node VM runs it: sources plus node_modules (dev dependencies included, since the
# services run TypeScript through `node --import tsx`). Nothing is compiled.
#
# npmDepsHash is a PLACEHOLDER (lib.fakeHash) until filled on a machine with Nix and network. From the
# repository root, with the nixpkgs that flake.nix pins:
#
#   nix run --inputs-from . nixpkgs#prefetch-npm-deps -- package-lock.json
#
# prints `sha256-…`: put it into npmDepsHash and commit it; repeat whenever package-lock.json changes. (The
# long way gives the same hash: `nix build .#giraff-ts` fails with "hash mismatch … got: sha256-…".)
{ lib, buildNpmPackage, nodejs_22, python3, src }:

buildNpmPackage {
  pname = "giraff-ts";
  version = "0.1.0";
  src = lib.cleanSourceWith {
    inherit src;
    filter = path: _type:
      let name = baseNameOf path; in
      !(builtins.elem name [ "node_modules" "metrics-arks" "result" ".git" ]);
  };
  nodejs = nodejs_22; # the Node of nix/fog-node.nix (nodejs_20 is end of life, insecure in nixpkgs 26.05)
  npmDepsHash = lib.fakeHash;
  # ssh2's optional native addon builds with node-gyp when it can; it falls back to JavaScript otherwise.
  nativeBuildInputs = [ python3 ];
  dontNpmBuild = true;
  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/giraff-ts
    cp -r . $out/lib/giraff-ts
    runHook postInstall
  '';
  meta = {
    description = "GIRAFF-TS runtime and orchestrator sources with their node_modules";
    platforms = lib.platforms.linux;
  };
}
