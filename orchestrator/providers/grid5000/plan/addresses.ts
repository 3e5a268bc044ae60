/**
 * The VM address plan of a reserved subnet (grid5000.md §1.5, EnOSlib's VMonG5k): every host address of the
 * subnet except the network, the broadcast and the first host (the site's own use), in order; a VM's MAC is
 * `00:16:3E:` followed by the last three bytes of its IP, which is how the site DHCP gives the VM that IP.
 */
import { ConfigError } from "../../../../runtime/protocol/errors.ts";

export interface IpMac {
  ip: string;
  mac: string;
  /** `virtual-<b>-<c>-<d>` for `10.b.c.d`, as VMonG5k names VMs. */
  hostname: string;
}

/** `00:16:3E:90:04:02` for `10.144.4.2`. */
export function macOf(ip: string): string {
  const bytes = ip.split(".").map(Number);
  return ["00", "16", "3E", ...bytes.slice(1).map((b) => b.toString(16).toUpperCase().padStart(2, "0"))].join(":");
}

function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const bytes = m?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(m?.[5]);
  if (m === null || bytes.some((b) => b > 255) || prefix < 8 || prefix > 30) {
    throw new ConfigError(
      "subnet",
      `Expected \`subnet\` to be an IPv4 CIDR such as 10.144.4.0/22, got ${JSON.stringify(cidr)}.`,
    );
  }
  const size = 2 ** (32 - prefix);
  const value = bytes.reduce((acc, b) => acc * 256 + b, 0);
  return { base: value - (value % size), size };
}

const ipOf = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/** How many VMs a subnet can address: all hosts but the network, the broadcast and the first one. */
export function capacityOf(cidr: string): number {
  return parseCidr(cidr).size - 3;
}

/** The first `count` usable IP/MAC pairs of `cidr`; more VMs than the subnet holds is a ConfigError. */
export function addressesOf(cidr: string, count: number): IpMac[] {
  const { base, size } = parseCidr(cidr);
  if (count > size - 3) {
    throw new ConfigError("subnet", `The subnet ${cidr} has ${size - 3} addresses for VMs; the plan needs ${count}.`);
  }
  return Array.from({ length: count }, (_, i) => {
    const ip = ipOf(base + 2 + i);
    const [, b, c, d] = ip.split(".");
    return { ip, mac: macOf(ip), hostname: `virtual-${b}-${c}-${d}` };
  });
}
