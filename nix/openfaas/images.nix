# OpenFaaS's own images (the gateway and faas-netes of gateway.json), as docker archives fetched once at build
# time, so the VM's k3s imports them at boot instead of pulling from ghcr.io (which only some Grid'5000 sites
# mirror). Neither is packaged in nixpkgs, so they are the upstream images, pinned by digest in images.json.
#
# images.json holds what `nix-prefetch-docker --json` prints, one entry per image. An entry whose imageDigest is
# still null stops the evaluation and names the command that fills it; from the repository root:
#
#   nix run --inputs-from . nixpkgs#nix-prefetch-docker -- --image-name ghcr.io/openfaas/faas-netes --image-tag 0.17.1 --json
#
# and paste its output over the entry (the same command with `gateway` and `0.27.2` refreshes the other pin).
# The gateway's pin was not made here: it is the one welteki/faasd-nix's images.nix carries for gateway 0.27.2
# (made with the same command, linux/amd64); if a build reports a hash mismatch for it, run the command again.
{ lib, dockerTools }:

let
  pins = lib.importJSON ./images.json;
  pull = key: pin:
    let
      given = lib.filterAttrs (_: value: value != null) pin;
      reference = "${pin.finalImageName}:${pin.finalImageTag}";
    in
    if !(given ? imageDigest) || !(given ? sha256 || given ? hash) then
      throw ''
        nix/openfaas/images.json: `${key}` (${reference}) is not pinned yet. From the repository root run
          nix run --inputs-from . nixpkgs#nix-prefetch-docker -- --image-name ${pin.imageName} --image-tag ${pin.finalImageTag} --json
        and put its output in place of the `${key}` entry.''
    else
      # linux/amd64 are pullImage's defaults and the Grid'5000 hosts' (and VMs') architecture.
      dockerTools.pullImage given;
in
{
  # key of images.json -> its archive (an attribute of its own: callPackage adds `override` to the set it returns)
  images = lib.mapAttrs pull pins;
}
