/** VMs on Grid'5000 hosts: see ../README.md, section "VMs". */
export { execOverTransport, type ExecOutcome, type ExecTransport, type RemoteExec, type RunOptions } from "./exec.ts";
export { isVmError, VmError, type VmErrorReason } from "./errors.ts";
// the commands the provider sends to the hosts, each a pure function of its inputs (commands.ts)
export * from "./commands.ts";
export { ROOT_KEYS_CREDENTIAL, domainXml, writeDomainCommand } from "./domain-xml.ts";
export { grantRootOnHosts, type RootAccessEffects, type RootAccessOptions } from "./root-access.ts";
export { startVms, stopVms, type LaunchOptions, type StartReport } from "./launcher.ts";
export { BOOT_ID_COMMAND, REBOOT_COMMAND, resetVm, resetVms, type ResetOptions, type ResetResult } from "./reset.ts";
export { DEFAULT_LAYOUT, byHost, vmSpecsOf, type HostLayout, type VmSpec } from "./spec.ts";
