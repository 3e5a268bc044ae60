/**
 * The libvirt domain of one VM (grid5000.md §2.3 step 7, EnOSlib's template without the cloud-init CD-ROM): vCPUs
 * and memory from the VM's flavour, the copy-on-write overlay as a virtio disk (named through the libvirt bind
 * mount), a virtio NIC on the host bridge with the planned MAC (so the site DHCP gives the planned IP), and a
 * serial console for `virsh console`.
 *
 * Root's SSH keys reach the VM as a systemd credential in the SMBIOS OEM strings (type 11), which systemd imports
 * at boot (systemd.io/CREDENTIALS, "io.systemd.credential.binary:<name>=<base64>") and whose
 * `ssh.authorized_keys.root` the image writes to /root/.ssh/authorized_keys before sshd starts. Unlike EnOSlib's
 * cloud-init ISO it needs no tool on the host (`genisoimage`) and no cloud-init in the image; unlike the NFS home
 * it needs no network, no storage-access rule and no retry: the keys are there at first boot.
 */
import { domainPath, libvirtOverlayPath, type HostLayout, type VmSpec } from "./spec.ts";

/** The credential name systemd-tmpfiles' provision.conf (and the image) read root's authorized_keys from. */
export const ROOT_KEYS_CREDENTIAL = "ssh.authorized_keys.root";

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;").replace(/"/g, "&quot;");

export function domainXml(vm: VmSpec, layout: HostLayout): string {
  const e = escapeXml;
  return [
    `<domain type='${layout.domainType}'>`,
    `  <name>${e(vm.name)}</name>`,
    `  <memory unit='KiB'>${Math.round(vm.memMiB * 1024)}</memory>`,
    `  <vcpu>${vm.cores}</vcpu>`,
    `  <os>`,
    `    <type arch='x86_64'>hvm</type>`,
    `    <boot dev='hd'/>`,
    ...(vm.rootKeys === undefined ? [] : [`    <smbios mode='sysinfo'/>`]),
    `  </os>`,
    ...(vm.rootKeys === undefined ? [] : credentialSysinfo(vm.rootKeys)),
    `  <features>`,
    `    <acpi/>`,
    `    <apic/>`,
    `  </features>`,
    `  <cpu mode='host-model'/>`,
    `  <clock offset='utc'/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
    `    <emulator>${e(layout.emulator)}</emulator>`,
    `    <disk type='file' device='disk'>`,
    `      <driver name='qemu' type='qcow2'/>`,
    `      <source file='${e(libvirtOverlayPath(layout, vm))}'/>`,
    `      <target dev='vda' bus='virtio'/>`,
    `    </disk>`,
    `    <interface type='bridge'>`,
    `      <source bridge='${e(layout.bridge)}'/>`,
    `      <mac address='${vm.mac.toLowerCase()}'/>`,
    `      <model type='virtio'/>`,
    `    </interface>`,
    `    <serial type='pty'>`,
    `      <target port='0'/>`,
    `    </serial>`,
    `    <console type='pty'>`,
    `      <target type='serial' port='0'/>`,
    `    </console>`,
    `  </devices>`,
    `</domain>`,
    ``,
  ].join("\n");
}

/** The `<sysinfo>` element carrying root's keys as a base64 systemd credential (no quoting to get wrong). */
function credentialSysinfo(rootKeys: string): string[] {
  const value = Buffer.from(rootKeys.endsWith("\n") ? rootKeys : `${rootKeys}\n`).toString("base64");
  return [
    `  <sysinfo type='smbios'>`,
    `    <oemStrings>`,
    `      <entry>io.systemd.credential.binary:${ROOT_KEYS_CREDENTIAL}=${value}</entry>`,
    `    </oemStrings>`,
    `  </sysinfo>`,
  ];
}

/** Writes the domain file with a quoted heredoc, so nothing in the XML is expanded by the shell. */
export function writeDomainCommand(vm: VmSpec, layout: HostLayout): string {
  return `cat > ${domainPath(layout, vm)} <<'GIRAFF_DOMAIN'\n${domainXml(vm, layout)}GIRAFF_DOMAIN`;
}
