# GIRAFF-TS: the development shell and the NixOS fog-node VM image (giraff.md §11.3).
#
#   nix develop                             # node 20, chromium, ssh, rsync, parallel, duckdb, jq, git
#   nix build .#fog-node-qcow2              # the VM image staged on Grid'5000 hosts (orchestrator/providers/grid5000/vms)
#   nix build .#giraff-ts                   # the repository with its node_modules, as the image runs it
#
# Only parsing is checked offline (see orchestrator/providers/grid5000/README.md, "Nix"): building needs the
# inputs below from the network, and `npmDepsHash` in nix/giraff-ts.nix must be filled on such a machine first.
{
  description = "GIRAFF-TS: development shell and the NixOS fog-node VM image";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    nixos-generators = {
      url = "github:nix-community/nixos-generators";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, nixos-generators }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      giraff-ts = pkgs.callPackage ./nix/giraff-ts.nix { src = self; };
      fogNodeModules = [
        self.nixosModules.fog-node
        { giraff.package = giraff-ts; }
      ];
    in
    {
      devShells.${system}.default = pkgs.mkShell {
        packages = with pkgs; [
          nodejs_20
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
        # A qcow2 disk image (nixos-generators' `qcow` format), uploaded to the NFS home and staged per host.
        fog-node-qcow2 = nixos-generators.nixosGenerate {
          inherit system;
          format = "qcow";
          modules = fogNodeModules;
        };
        default = self.packages.${system}.fog-node-qcow2;
      };

      nixosModules.fog-node = import ./nix/fog-node.nix;

      # The same system, for `nixos-rebuild build-vm --flake .#fog-node` when trying the image locally.
      nixosConfigurations.fog-node = nixpkgs.lib.nixosSystem {
        inherit system;
        modules = fogNodeModules;
      };
    };
}
