import { formatAddress, parseCidr, size } from "../../../../lib/ipv4";
import { MockAttributeContext, MockAttributes } from "./types";

/** The random provider's default special characters. */
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function flag(value: unknown, fallback: boolean): boolean {
    return typeof value === "boolean" ? value : fallback;
}

function count(value: unknown): number {
    return typeof value === "number" && value > 0 ? value : 0;
}

/**
 * What the random provider would draw, deterministically: `length` characters of the enabled
 * classes, the minimums of each class first, then shuffled by the same hex so that no class sits
 * at a fixed position (a real password may start with any allowed character).
 */
function randomResult(ctx: MockAttributeContext): string {
    const { inputs } = ctx;
    const length = count(inputs.length);
    const classes = [
        { enabled: flag(inputs.upper, true), chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min: count(inputs.minUpper) },
        { enabled: flag(inputs.lower, true), chars: "abcdefghijklmnopqrstuvwxyz", min: count(inputs.minLower) },
        { enabled: flag(inputs.numeric, flag(inputs.number, true)), chars: "0123456789", min: count(inputs.minNumeric) },
        {
            enabled: flag(inputs.special, true),
            chars: typeof inputs.overrideSpecial === "string" && inputs.overrideSpecial !== "" ? inputs.overrideSpecial : DEFAULT_SPECIAL,
            min: count(inputs.minSpecial),
        },
    ].filter((charClass) => charClass.enabled);
    const alphabet = classes.map((charClass) => charClass.chars).join("");
    if (alphabet === "") {
        return "";
    }
    const bytes = ctx.hex(length * 4, "result").match(/.{4}/g)?.map((word) => parseInt(word, 16)) ?? [];
    const byte = (index: number): number => bytes[index % Math.max(1, bytes.length)] ?? 0;
    const drawn: string[] = [];
    for (const charClass of classes) {
        for (let i = 0; i < charClass.min && drawn.length < length; i++) {
            drawn.push(charClass.chars[byte(drawn.length) % charClass.chars.length] ?? "");
        }
    }
    while (drawn.length < length) {
        drawn.push(alphabet[byte(drawn.length) % alphabet.length] ?? "");
    }
    for (let i = drawn.length - 1; i > 0; i--) {
        const j = byte(i + 7) % (i + 1);
        [drawn[i], drawn[j]] = [drawn[j] ?? "", drawn[i] ?? ""];
    }
    return drawn.join("");
}

/** A /30 of 169.254.0.0/16 outside the ranges AWS reserves (169.254.0-5.x/30 and 169.254.169.252/30). */
function insideCidr(ctx: MockAttributeContext, salt: string, avoid?: string): string {
    for (let attempt = 0; ; attempt++) {
        const value = parseInt(ctx.hex(4, `${salt}${attempt}`), 16);
        const third = 10 + (value % 240);
        const fourth = ((value >> 8) % 64) * 4;
        const cidr = `169.254.${third}.${fourth}/30`;
        if (third !== 169 && cidr !== avoid) {
            return cidr;
        }
    }
}

/** The customer (.2) and AWS (.1) addresses inside a tunnel's /30. */
function insideAddresses(cidr: string): { aws: string; customer: string } {
    const network = parseCidr(cidr)?.network ?? 0;
    return { aws: formatAddress(network + 1), customer: formatAddress(network + 2) };
}

/** A public address of AWS's VPN endpoints' ranges (3.x, 34.x, 52.x). */
function outsideAddress(ctx: MockAttributeContext, salt: string): string {
    const [a = 0, b = 0, c = 0, d = 0] = (ctx.hex(8, salt).match(/.{2}/g) ?? []).map((pair) => parseInt(pair, 16));
    return `${[3, 34, 52][a % 3]}.${b}.${c}.${Math.max(1, d % 255)}`;
}

function tunnelAttributes(ctx: MockAttributeContext): Record<string, unknown> {
    const { inputs } = ctx;
    const gateway = typeof inputs.vpnGatewayId === "string" ? ctx.stateOf(inputs.vpnGatewayId) : undefined;
    const amazonAsn = String(gateway?.amazonSideAsn ?? "64512");
    const cidr1 = typeof inputs.tunnel1InsideCidr === "string" ? inputs.tunnel1InsideCidr : insideCidr(ctx, "tunnel1");
    const cidr2 = typeof inputs.tunnel2InsideCidr === "string" ? inputs.tunnel2InsideCidr : insideCidr(ctx, "tunnel2", cidr1);
    const address1 = outsideAddress(ctx, "tunnel1");
    let address2 = outsideAddress(ctx, "tunnel2");
    if (address2 === address1) {
        address2 = outsideAddress(ctx, "tunnel2-again");
    }
    const inside1 = insideAddresses(cidr1);
    const inside2 = insideAddresses(cidr2);
    const tunnel = (n: number, address: string, cidr: string, inside: { aws: string; customer: string }): string =>
        `<ipsec_tunnel n="${n}"><customer_gateway><tunnel_inside_address>${inside.customer}/30</tunnel_inside_address></customer_gateway>` +
        `<vpn_gateway><tunnel_outside_address>${address}</tunnel_outside_address><tunnel_inside_address>${inside.aws}/30</tunnel_inside_address>` +
        `<bgp><asn>${amazonAsn}</asn></bgp></vpn_gateway><inside_cidr>${cidr}</inside_cidr></ipsec_tunnel>`;
    return {
        tunnel1Address: address1,
        tunnel2Address: address2,
        tunnel1InsideCidr: cidr1,
        tunnel2InsideCidr: cidr2,
        tunnel1CgwInsideAddress: inside1.customer,
        tunnel2CgwInsideAddress: inside2.customer,
        tunnel1VgwInsideAddress: inside1.aws,
        tunnel2VgwInsideAddress: inside2.aws,
        tunnel1BgpAsn: amazonAsn,
        tunnel2BgpAsn: amazonAsn,
        tunnel1BgpHoldtime: 30,
        tunnel2BgpHoldtime: 30,
        customerGatewayConfiguration:
            `<?xml version="1.0" encoding="UTF-8"?><vpn_connection id="${ctx.id}"><customer_gateway_id>${String(inputs.customerGatewayId ?? "")}</customer_gateway_id>` +
            `<vpn_gateway_id>${String(inputs.vpnGatewayId ?? "")}</vpn_gateway_id><vpn_connection_type>ipsec.1</vpn_connection_type>` +
            `${tunnel(1, address1, cidr1, inside1)}${tunnel(2, address2, cidr2, inside2)}</vpn_connection>`,
        routes: [],
        vgwTelemetries: [],
    };
}

/** An address AWS would give the connector's interface in the subnet: past the 4 it reserves at the start. */
function connectIp(ctx: MockAttributeContext, subnetId: unknown, index: number): string | undefined {
    const subnet = typeof subnetId === "string" ? ctx.stateOf(subnetId) : undefined;
    const cidr = typeof subnet?.cidrBlock === "string" ? parseCidr(subnet.cidrBlock) : undefined;
    if (!cidr) {
        return undefined;
    }
    const usable = Math.max(1, size(cidr) - 5);
    return formatAddress(cidr.network + 4 + (parseInt(ctx.hex(6, `connect${index}`), 16) % usable));
}

function directoryAttributes(ctx: MockAttributeContext): Record<string, unknown> {
    const { inputs } = ctx;
    const alias = typeof inputs.alias === "string" ? inputs.alias : ctx.id;
    const connect = (inputs.connectSettings ?? undefined) as Record<string, unknown> | undefined;
    const subnetIds = Array.isArray(connect?.subnetIds) ? connect.subnetIds : [];
    const zones = subnetIds.map((subnetId) => (typeof subnetId === "string" ? ctx.stateOf(subnetId)?.availabilityZone : undefined));
    const customerDnsIps = Array.isArray(connect?.customerDnsIps) ? connect.customerDnsIps : [];
    return {
        alias,
        accessUrl: `${alias}.awsapps.com`,
        // For an AD Connector, AWS reports the customer's DNS servers it was given.
        dnsIpAddresses: inputs.type === "ADConnector" ? customerDnsIps : subnetIds.map((subnetId, index) => connectIp(ctx, subnetId, index)),
        securityGroupId: `sg-${ctx.hex(17, "security-group")}`,
        ...(connect
            ? {
                  connectSettings: {
                      ...connect,
                      connectIps: subnetIds.map((subnetId, index) => connectIp(ctx, subnetId, index)).filter((ip) => ip !== undefined),
                      availabilityZones: zones.filter((zone) => zone !== undefined),
                  },
              }
            : {}),
        edition: "",
        shortName: String(inputs.name ?? "").split(".")[0]?.toUpperCase() ?? "",
    };
}

/** Attributes AWS returns for the connectivity resources the program creates. */
export const connectivityAttributes: MockAttributes = {
    "random:index/randomPassword:RandomPassword": (ctx) => ({ result: randomResult(ctx), bcryptHash: `$2a$10$${ctx.hex(53, "bcrypt")}` }),
    "random:index/randomString:RandomString": (ctx) => ({ result: randomResult(ctx) }),
    "aws:ec2/vpnConnection:VpnConnection": tunnelAttributes,
    "aws:directoryservice/directory:Directory": directoryAttributes,
};
