/**
 * What the VM steps need of each planned VM, and where its files live on its host. A placement from
 * `planGrid5000` only has a host, IP and MAC once the job runs (a plan made with a `lease`), so `vmSpecsOf`
 * refuses a plan without them instead of producing commands with holes.
 */
import type { VmPlacement } from "../plan/index.ts";
import { VmError } from "./errors.ts";

export interface VmSpec {
  /** libvirt domain name: the topology node's name (or `iot_emulation`), unique in a deployment. */
  name: string;
  /** The physical host that runs the domain. */
  host: string;
  ip: string;
  mac: string;
  cores: number;
  memMiB: number;
  /**
   * Root's `authorized_keys` for the VM, handed to it as a systemd credential in the domain's SMBIOS OEM strings
   * (domain-xml.ts): the VM has them at first boot, without network or NFS. Undefined: none in the domain.
   */
  rootKeys?: string | undefined;
}

/** Where a host keeps the image, the overlays and the domain files; defaults follow EnOSlib's layout (§2.3). */
export interface HostLayout {
  /** Working directory on the host (local disk, not NFS), where the commands write. */
  workDir: string;
  /**
   * The same directory as libvirt sees it: `workDir` bind-mounted under `/var/lib/libvirt/images`, as EnOSlib's
   * VMonG5k does (`enoslib/infra/enos_vmong5k/ansible/site.yml`, "Bind mount image directory"), so that qemu,
   * started by libvirtd, may open the overlays and their backing file (a disk under /tmp is refused). The domain
   * and the overlays' backing file name files by this path.
   */
  libvirtDir: string;
  /** Linux bridge the VMs' NICs join (`br0` in Grid'5000's standard environment). */
  bridge: string;
  /** The libvirt domain type. */
  domainType: "kvm" | "qemu";
  /** Emulator binary, as the standard environment installs it. */
  emulator: string;
  /**
   * Virtual size of each overlay, GiB. The Nix image is built just large enough for its contents; a larger
   * overlay lets the VM grow its root partition at first boot (`boot.growPartition`), as GIRAFF's 50 GB disk.
   */
  diskGiB: number;
}

export const DEFAULT_LAYOUT: HostLayout = {
  workDir: "/tmp/giraff-vms",
  libvirtDir: "/var/lib/libvirt/images/giraff-vms",
  bridge: "br0",
  domainType: "kvm",
  emulator: "/usr/bin/qemu-system-x86_64",
  diskGiB: 50,
};

export const basePath = (l: HostLayout) => `${l.workDir}/base.qcow2`;
/** Holds the SHA-256 of the staged image, so that staging compares a short file, not a 50 GB read. */
export const stampPath = (l: HostLayout) => `${l.workDir}/base.qcow2.sha256`;
export const overlayPath = (l: HostLayout, vm: VmSpec) => `${l.workDir}/${vm.name}.qcow2`;
/** Paths as libvirt and qemu open them (through the bind mount). */
export const libvirtBasePath = (l: HostLayout) => `${l.libvirtDir}/base.qcow2`;
export const libvirtOverlayPath = (l: HostLayout, vm: VmSpec) => `${l.libvirtDir}/${vm.name}.qcow2`;
export const domainPath = (l: HostLayout, vm: VmSpec) => `${l.workDir}/${vm.name}.xml`;

/** The placed VMs of a plan made with a lease; a VM without host, IP or MAC is a `not-placed` VmError. */
export function vmSpecsOf(placements: readonly VmPlacement[]): VmSpec[] {
  return placements.map((p) => {
    if (p.hostFqdn === undefined || p.ip === undefined || p.mac === undefined) {
      throw new VmError({
        reason: "not-placed",
        message: `VM ${p.name} has no host, IP or MAC yet; plan with the running job's lease before starting VMs.`,
      });
    }
    return { name: p.name, host: p.hostFqdn, ip: p.ip, mac: p.mac, cores: p.cores, memMiB: p.memMiB };
  });
}

/** VMs grouped by host, hosts in first-appearance order, so every host's commands run as one sequence. */
export function byHost(vms: readonly VmSpec[]): Map<string, VmSpec[]> {
  const groups = new Map<string, VmSpec[]>();
  for (const vm of vms) groups.set(vm.host, [...(groups.get(vm.host) ?? []), vm]);
  return groups;
}
