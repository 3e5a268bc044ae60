/**
 * Pure builders for every command the VM steps run on a host (grid5000.md §2.3). Keeping them pure makes the
 * exact command transcript a golden file, reviewed like code.
 */
import { basePath, domainPath, overlayPath, stampPath, type HostLayout, type VmSpec } from "./spec.ts";

/** Where the Nix-built image is on the host (usually the NFS home) and its SHA-256, computed when uploading it. */
export interface ImageSource {
  path: string;
  sha256: string;
}

/** Output of the staging script: whether it copied. */
export const STAGED = "staged";
export const ALREADY_STAGED = "already-staged";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Copies the image to the host's disk once: only when the stamp next to the staged copy does not hold the
 * expected checksum. The copy goes to a `.part` file, is checked, then renamed, so an interrupted copy is never
 * taken for a staged image.
 */
export function stageImageCommand(image: ImageSource, layout: HostLayout): string {
  if (!/^[0-9a-f]{64}$/.test(image.sha256)) {
    throw new RangeError(
      `Expected \`image.sha256\` to be 64 lowercase hex digits, got ${JSON.stringify(image.sha256)}.`,
    );
  }
  const base = basePath(layout);
  const stamp = stampPath(layout);
  return [
    `mkdir -p ${layout.workDir}`,
    `if [ "$(cat ${stamp} 2>/dev/null)" = "${image.sha256}" ] && [ -f ${base} ]; then echo ${ALREADY_STAGED}; else`,
    `  rm -f ${stamp} && cp ${quote(image.path)} ${base}.part &&`,
    `  echo "${image.sha256}  ${base}.part" | sha256sum --check --quiet &&`,
    `  mv ${base}.part ${base} && echo ${image.sha256} > ${stamp} && echo ${STAGED}`,
    `fi`,
  ].join("\n");
}

/** Active domains (running or paused), one name per line. */
export const LIST_COMMAND = "virsh list --name";

export const domstateCommand = (vm: VmSpec) => `virsh domstate ${vm.name}`;

/**
 * A fresh copy-on-write overlay over the staged image: the VM's writes never touch the shared base, and a VM
 * that starts again starts from the image, not from the last run's disk.
 */
export function overlayCommand(vm: VmSpec, layout: HostLayout): string {
  const overlay = overlayPath(layout, vm);
  return `rm -f ${overlay} && qemu-img create -f qcow2 -F qcow2 -b ${basePath(layout)} ${overlay} ${layout.diskGiB}G`;
}

/** A transient domain, as VMonG5k creates them: it disappears when destroyed. */
export const createCommand = (vm: VmSpec, layout: HostLayout) => `virsh create ${domainPath(layout, vm)}`;
export const resumeCommand = (vm: VmSpec) => `virsh resume ${vm.name}`;
export const destroyCommand = (vm: VmSpec) => `virsh destroy ${vm.name}`;
export const cleanupCommand = (vm: VmSpec, layout: HostLayout) =>
  `rm -f ${overlayPath(layout, vm)} ${domainPath(layout, vm)}`;

/** Names printed by `virsh list --name` (blank lines dropped). */
export function parseDomainNames(stdout: string): Set<string> {
  return new Set(
    stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== ""),
  );
}
