import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not point unless WEBHOOK_ALLOW_PRIVATE: anything that is not the
 * public internet (loopback, RFC 1918, link-local and the cloud metadata address in it,
 * CGNAT, unique-local, multicast, "this network", benchmarking and reserved ranges), so a
 * webhook cannot be aimed at carve's own services or the operator's internal network.
 */
const INTERNAL_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const INTERNAL_V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
];

const blocks = new Map<string, BlockList>();
for (const [network, prefix, reason] of INTERNAL_V4) {
  const list = blocks.get(reason) ?? new BlockList();
  list.addSubnet(network, prefix, 'ipv4');
  blocks.set(reason, list);
}
for (const [network, prefix, reason] of INTERNAL_V6) {
  const list = blocks.get(reason) ?? new BlockList();
  list.addSubnet(network, prefix, 'ipv6');
  blocks.set(reason, list);
}

/** The IPv4 address an IPv6 one carries (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
export function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
  if (zero(0, 6) && (groups[6]! !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  return null;
}

function expandIpv6(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}

/** Why an address is not on the public internet, or null when it is. */
export function internalAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const inner = family === 6 ? embeddedIpv4(address) : null;
  if (inner) return internalAddressReason(inner);
  for (const [reason, list] of blocks) if (list.check(address.replace(/%.*$/, ''), family === 4 ? 'ipv4' : 'ipv6')) return reason;
  return null;
}

export interface UrlRules {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/** A webhook URL refused, with the reason a person can act on. */
export class WebhookUrlRefused extends Error {}

/** The URL's own checks (scheme, no credentials, a host), before any address is looked up. */
export function parseWebhookUrl(text: string, rules: UrlRules): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlRefused('must be an absolute URL, e.g. https://hooks.example.com/carve');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowHttp)) {
    throw new WebhookUrlRefused(rules.allowHttp ? 'must be an http:// or https:// URL' : 'must be an https:// URL (plain http is not allowed here)');
  }
  if (url.username || url.password) throw new WebhookUrlRefused('must not carry a user name or password; the signature authenticates carve');
  if (!url.hostname) throw new WebhookUrlRefused('must name a host');
  return url;
}

/** A URL's hostname as the resolver and isIP want it: IPv6 literals lose their brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Every address the hostname resolves to, refused if any one is internal (unless private
 * addresses are allowed): a name with one public and one private address is refused, since
 * the connection could go to either.
 */
export async function checkedAddresses(hostname: string, rules: UrlRules, resolve: Resolver = systemResolver): Promise<{ address: string; family: number }[]> {
  let addresses: { address: string; family: number }[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch (error) {
      throw new WebhookUrlRefused(`its host ${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (addresses.length === 0) throw new WebhookUrlRefused(`its host ${hostname} does not resolve`);
  }
  if (!rules.allowPrivate) {
    for (const { address } of addresses) {
      const reason = internalAddressReason(address);
      if (reason) throw new WebhookUrlRefused(`${isIP(hostname) ? 'points' : `its host ${hostname} resolves`} to ${address}, a ${reason} address; webhooks may only reach public addresses`);
    }
  }
  return addresses;
}
