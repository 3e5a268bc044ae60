/**
 * The libvirt domain of one VM (grid5000.md §2.3 step 7, EnOSlib's template without the cloud-init CD-ROM: our
 * image takes its SSH keys from the NFS home or from the image itself): vCPUs and memory from the VM's flavour,
 * the copy-on-write overlay as a virtio disk, a virtio NIC on the host bridge with the planned MAC (so the site
 * DHCP gives the planned IP), and a serial console for `virsh console`.
 */
import { domainPath, overlayPath, type HostLayout, type VmSpec } from "./spec.ts";

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
    `  </os>`,
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
    `      <source file='${e(overlayPath(layout, vm))}'/>`,
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

/** Writes the domain file with a quoted heredoc, so nothing in the XML is expanded by the shell. */
export function writeDomainCommand(vm: VmSpec, layout: HostLayout): string {
  return `cat > ${domainPath(layout, vm)} <<'GIRAFF_DOMAIN'\n${domainXml(vm, layout)}GIRAFF_DOMAIN`;
}
