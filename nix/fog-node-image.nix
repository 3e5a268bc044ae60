# The fog-node system as a bootable qcow2 disk, for the libvirt domains of
# orchestrator/providers/grid5000/vms/domain-xml.ts: BIOS boot (the domain has no UEFI loader), the disk is a
# virtio `vda`, a serial console for `virsh console`. The same settings make `nixosConfigurations.fog-node`
# complete, so evaluating its toplevel passes NixOS's assertions (a root file system, a boot loader device).
#
# The image is nixpkgs' own builder (nixos/lib/make-disk-image.nix), as nixos-generators' "qcow" format did
# (nixos-generators is deprecated since NixOS 25.05, its formats now live in nixpkgs).
{ config, lib, pkgs, modulesPath, ... }:

{
  # virtio block, network and PCI drivers in the initrd, so the root file system on /dev/vda is found.
  imports = [ (modulesPath + "/profiles/qemu-guest.nix") ];

  # One ext4 partition labelled "nixos" (make-disk-image's default label), grown at boot into the overlay's
  # virtual size (50 GiB, vms/ HostLayout.diskGiB): the partition by boot.growPartition, the file system by autoResize.
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  boot.growPartition = true;

  # GRUB in the MBR of the virtio disk (make-disk-image's "legacy" partition table).
  boot.loader.grub.device = "/dev/vda";
  boot.loader.timeout = 0;
  boot.kernelParams = [ "console=ttyS0,115200n8" ];

  # `nix build .#fog-node-qcow2` gives result/nixos.qcow2.
  system.build.qcow2 = import (modulesPath + "/../lib/make-disk-image.nix") {
    inherit config lib pkgs;
    format = "qcow2";
    partitionTableType = "legacy";
    diskSize = "auto"; # the closure plus additionalSpace (512 MiB); the overlay gives the VM its real size
    copyChannel = false; # a flake-built system: no nixpkgs channel inside the image
  };
}
