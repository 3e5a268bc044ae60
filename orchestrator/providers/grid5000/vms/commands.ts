/**
 * Pure builders for every command the VM steps run on a host (grid5000.md §2.3). Keeping them pure makes the
 * exact command transcript a golden file, reviewed like code.
 */
import { basePath, domainPath, libvirtBasePath, overlayPath, stampPath, type HostLayout, type VmSpec } from "./spec.ts";

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
  // the backing file is named as libvirt sees it: qemu, started by libvirtd, opens it through the bind mount
  return `rm -f ${overlay} && qemu-img create -f qcow2 -F qcow2 -b ${libvirtBasePath(layout)} ${overlay} ${layout.diskGiB}G`;
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

/** What `~/.ssh/authorized_keys` is for the login and for root, on a Grid'5000 host. */
export const LOGIN_KEYS = "~/.ssh/authorized_keys";
export const ROOT_KEYS = "/root/.ssh/authorized_keys";

/**
 * Run as the Grid'5000 login on a host of a job without the `deploy` type, where nobody is root: gives root the
 * login's keys with `sudo-g5k`, as EnOSlib does (`enoslib/infra/enos_g5k/objects.py`, `grant_root_access_command`:
 * `cat ~/.ssh/id_rsa.pub ~/.ssh/authorized_keys | sudo-g5k tee -a /root/.ssh/authorized_keys`). Unlike EnOSlib's,
 * it appends only the keys root does not have yet, so a resumed campaign does not grow the file at every boot.
 * (Grid'5000 redeploys a node after a job that used sudo-g5k; nothing to undo.)
 */
export const GRANT_ROOT_COMMAND = [
  `keys=$(sudo-g5k cat ${ROOT_KEYS} 2>/dev/null | grep -vxF -f - ${LOGIN_KEYS} | grep -Ev '^[[:space:]]*(#|$)')`,
  `[ -z "$keys" ] || printf '%s\\n' "$keys" | sudo-g5k tee -a ${ROOT_KEYS} > /dev/null`,
].join("\n");

/** The login's keys, read once on a host: what root gets there, and what the VMs' root gets too. */
export const READ_LOGIN_KEYS_COMMAND = `cat ${LOGIN_KEYS}`;

/** Run as root after {@link GRANT_ROOT_COMMAND}: prints 0 when the root login works. */
export const ROOT_CHECK_COMMAND = "id -u";

/**
 * As root: the working directory on the local disk, bind-mounted where libvirt keeps disks, then libvirtd
 * restarted so it sees the mount (EnOSlib's VMonG5k: "Create the working directory", "Bind mount image directory",
 * "Restart libvirt"). Idempotent: an existing mount is kept and libvirtd left alone.
 */
export function libvirtDirCommand(layout: HostLayout): string {
  const { workDir, libvirtDir } = layout;
  return [
    `mkdir -p ${workDir} ${libvirtDir} && chmod 711 ${workDir}`,
    `mountpoint -q ${libvirtDir} || { mount --bind ${workDir} ${libvirtDir} && systemctl restart libvirtd; }`,
  ].join("\n");
}
