# GIRAFF-TS: the development shell and the NixOS fog-node VM image (giraff.md §11.3).
#
#   nix develop                             # node 22, chromium, ssh, rsync, parallel, duckdb, jq, git
#   nix build .#fog-node-qcow2              # the VM image staged on Grid'5000 hosts (result/nixos.qcow2)
#   nix build .#giraff-ts                   # the repository with its node_modules, as the image runs it
#   nix build .#function-image-echo         # one function's image, as a script printing a docker archive
#   nix flake check                         # evaluates every output and builds checks.x86_64-linux (the VM's system)
#
# Before the first build, fill `npmDepsHash` in nix/giraff-ts.nix, of-watchdog's hash in nix/function-images.nix
# and faas-netes's pin in nix/openfaas/images.json (each file says how), and commit the `flake.lock` that the first
# `nix flake lock` (or any build) writes. Offline, only parsing is checked (see
# orchestrator/providers/grid5000/README.md, "Nix").
{
  description = "GIRAFF-TS: development shell and the NixOS fog-node VM image";

  inputs = {
    # NixOS 26.05: the newest stable release surely out by December 2026 (YY.05 releases come out at the end of
    # May and are maintained about 7 months, so 26.05 is supported until the end of December 2026; 24.11 and
    # 25.05 are end of life, 25.11 ends in June 2026). Move to nixos-26.11 once it is released (due at the end of
    # November 2026), changing nothing else but `system.stateVersion` in nix/fog-node.nix if wanted.
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  };

  outputs = { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      giraff-ts = pkgs.callPackage ./nix/giraff-ts.nix { src = self; };
      # The function images the VM imports (nix/function-images.nix), also buildable alone: each result is a
      # script that prints a docker archive (`./result | docker load` on a machine with Docker).
      functionImages = (pkgs.callPackage ./nix/function-images.nix { inherit giraff-ts; }).images;
      # The one system: what `nix flake check` evaluates and builds is what the image contains.
      fogNode = self.nixosConfigurations.fog-node.config;
    in
    {
      devShells.${system}.default = pkgs.mkShell {
        packages = with pkgs; [
          nodejs_22 # nodejs_20 is end of life (April 2026) and marked insecure in nixpkgs 26.05
          chromium # figures (playwright-core drives it)
          openssh
          rsync
          parallel # GNU Parallel, to compare with the batch runner
          duckdb # optional: the CLI, to query the analysis database by hand
          jq
          git
        ];
        # playwright-core must not download its own browser; it uses this one.
        shellHook = ''
          export CHROMIUM_PATH=${pkgs.chromium}/bin/chromium
        '';
      };

      packages.${system} = {
        inherit giraff-ts;
        # A qcow2 disk image (nixos/lib/make-disk-image.nix, see nix/fog-node-image.nix) of the same system as
        # nixosConfigurations.fog-node; `result/nixos.qcow2` is uploaded to the NFS home and staged per host.
        fog-node-qcow2 = fogNode.system.build.qcow2;
        default = self.packages.${system}.fog-node-qcow2;
      }
      // nixpkgs.lib.mapAttrs' (folder: image: nixpkgs.lib.nameValuePair "function-image-${folder}" image) functionImages;

      # What `nix flake check` builds: the VM's whole system (toplevel: kernel, initrd, units, the packaged
      # repository), which fails on any module assertion (root file system, boot loader, option types). The
      # disk image itself is left to `nix build .#fog-node-qcow2`: it runs a build VM and adds nothing the
      # toplevel does not already check.
      checks.${system} = {
        fog-node-toplevel = fogNode.system.build.toplevel;
        inherit giraff-ts;
      };

      # fog-node: what the VM runs; fog-node-image: how it is a bootable qcow2 disk (root file system, GRUB).
      nixosModules.fog-node = import ./nix/fog-node.nix;
      nixosModules.fog-node-image = import ./nix/fog-node-image.nix;

      # Also for `nixos-rebuild build-vm --flake .#fog-node` when trying the system locally.
      nixosConfigurations.fog-node = nixpkgs.lib.nixosSystem {
        modules = [
          self.nixosModules.fog-node
          self.nixosModules.fog-node-image
          {
            nixpkgs.hostPlatform = system;
            giraff.package = giraff-ts;
          }
        ];
      };
    };
}
