// Picks a tenant network when sales ops do not choose one. Pure: the caller passes every network
// already in use (the fleet's network.cidr values, plus the tenant's own corporate ranges when
// known), and gets the first free block of the pool.

import { Cidr, formatCidr, overlaps, parseCidr, subnets } from "../../../lib/ipv4";
import { PLATFORM_BLOCK } from "../../../lib/platform";

/** Every automatically allocated tenant network is a /16: room for the VPC's tiers over two AZs and growth. */
export const ALLOCATION_PREFIX = 16;

/**
 * The pool, searched in this order, each block carved into /16s:
 * - 10.64.0.0/10 (10.64-10.127): the hand-chosen networks of the first tenants sit in 10.16-10.63,
 *   so automatic allocations start clear of them;
 * - 10.128.0.0/9 (10.128-10.255), then 10.16.0.0/12 and 10.32.0.0/11: the rest of 10.0.0.0/8;
 * - 172.16.0.0/12 last: customers' own networks (Docker's 172.17, AWS default VPCs' 172.31) often
 *   live there, and a tenant network must not collide with a VPN customer's corporate ranges.
 * 192.168.0.0/16 is never used: it is the most common corporate range of all.
 * The platform's block 10.0.0.0/12 is outside the pool by construction and checked again.
 */
export const NETWORK_POOL: readonly string[] = ["10.64.0.0/10", "10.128.0.0/9", "10.16.0.0/12", "10.32.0.0/11", "172.16.0.0/12"];

const PLATFORM = parseCidr(PLATFORM_BLOCK)!;

function parsePool(pool: readonly string[]): Cidr[] {
    return pool.map((text) => {
        const cidr = parseCidr(text);
        if (!cidr) {
            throw new Error(`invalid network pool entry ${text}`);
        }
        return cidr;
    });
}

/**
 * The first /16 of the pool that overlaps none of `taken` and lies outside the platform block, or
 * `undefined` when the pool is exhausted. Entries of `taken` that are not CIDRs are ignored (the
 * validator reports them; they cannot make an allocation overlap anything).
 */
export function allocateNetwork(taken: readonly string[], pool: readonly string[] = NETWORK_POOL): string | undefined {
    const used = taken.map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== undefined);
    for (const block of parsePool(pool)) {
        const prefix = Math.max(block.prefix, ALLOCATION_PREFIX);
        for (const candidate of subnets(block, prefix)) {
            if (!overlaps(candidate, PLATFORM) && !used.some((cidr) => overlaps(cidr, candidate))) {
                return formatCidr(candidate);
            }
        }
    }
    return undefined;
}
