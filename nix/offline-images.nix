# Every image the VM's k3s runs comes from the VM image itself: nothing is pulled from a registry.
#
#   k3s's own (pause, coredns, metrics-server, …) ─┐ services.k3s.images: linked into
#   OpenFaaS gateway + faas-netes (openfaas/)  ────┴─► /var/lib/rancher/k3s/agent/images, imported by k3s at start
#   functions/<folder> (function-images.nix) ──────► giraff-function-images: streamed into containerd (k8s.io)
#                                                        └─► then openfaas-apply starts the gateway (fog-node.nix)
#
# The manifests ask never to pull (nix/openfaas/gateway.json: `imagePullPolicy: Never` on the gateway's
# containers, faas-netes's `image_pull_policy=Never` on every function it deploys), so an image missing here shows
# as ErrImageNeverPull at once instead of a pull that waits on a registry.
{ config, lib, pkgs, ... }:

let
  k3s = config.services.k3s.package;
  functionImages = (pkgs.callPackage ./function-images.nix { giraff-ts = config.giraff.package; }).images;
  openfaasImages = (pkgs.callPackage ./openfaas/images.nix { }).images;
in
{
  # k3s's airgap archive for its version holds the images of what it deploys itself, pause and coredns
  # included (nixpkgs: the k3s package's passthru `airgap-images`, as nixos/tests/k3s/airgap-images.nix uses it).
  services.k3s.images = [ k3s.airgap-images ] ++ lib.attrValues openfaasImages;

  # Our images are streams, not archives (see function-images.nix), so they are imported by this unit rather
  # than through services.k3s.images, which links archives.
  systemd.services.giraff-function-images = {
    description = "Import the GIRAFF-TS function images into k3s's containerd";
    after = [ "k3s.service" ];
    requires = [ "k3s.service" ];
    wantedBy = [ "multi-user.target" ];
    path = [ k3s pkgs.coreutils ];
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      TimeoutStartSec = 900;
    };
    script = ''
      set -o pipefail
      # k3s reports ready before its containerd may answer: wait for it, with a deadline
      deadline=$((SECONDS + 300))
      until k3s ctr --namespace k8s.io version >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
          echo "k3s's containerd did not answer within 300 s" >&2
          exit 1
        fi
        sleep 2
      done
      ${lib.concatStrings (
        lib.mapAttrsToList (folder: stream: ''
          echo "importing ${stream.reference} (functions/${folder})"
          ${stream} | k3s ctr --namespace k8s.io images import -
        '') functionImages
      )}
    '';
  };

  # The gateway comes up only once the functions it will deploy are there.
  systemd.services.openfaas-apply = {
    after = [ "giraff-function-images.service" ];
    requires = [ "giraff-function-images.service" ];
  };
}
