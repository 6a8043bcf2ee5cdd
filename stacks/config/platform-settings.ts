// The platform's settings: what platform-configs/<region>.yaml holds (read and positioned by
// stacks/config/platform-file.ts), with documented defaults, validated before anything is
// registered. Its outputs (PlatformOutputs) are what tenant stacks read.

import { MAX_DENIED_NETWORKS } from "../../lib/network-plan";
import { Cidr, containsCidr, formatCidr, isCanonicalCidr, overlaps, parseAddress, parseCidr, PRIVATE_NETWORKS, specialPurposeRange } from "../../lib/ipv4";
import { REGIONS } from "../../lib/regions";
import { canaryRuntimeProblem, DEFAULT_CANARY_RUNTIME } from "../../lib/canary-runtimes";
import { FIRST_NAME_DOMAIN_MAX } from "../../lib/naming";
import { DEFAULT_BASE_DOMAIN, DEFAULT_PLATFORM_NETWORK, HOME_REGION, PLATFORM_BLOCK } from "../../lib/platform";
import { DEFAULT_DEPLOY_ROLE_NAME } from "../../lib/promises/network-changes";
import { quote } from "../../lib/quote-visibly";
import { looksLikeSecret } from "../../lib/secrets";
import { instanceClassProblem, instanceTypeProblem } from "./sizing-rules";

export interface PlatformSettings {
    /** `baseDomain`: tenants get `<subdomain>.<baseDomain>`, the shared app `app.<baseDomain>`. Default `itm.example.net`. */
    readonly baseDomain: string;
    /**
     * `networkCidr`: the platform's own VPC, inside the platform block 10.0.0.0/12 (which no tenant
     * may use). Its administration tier is the operations network: the operations Client VPN
     * translates staff addresses to its interfaces there, so tenants admit administration traffic
     * from exactly that tier. Default `10.15.0.0/16`.
     */
    readonly networkCidr: string;
    /** `clientVpnCidr`: addresses handed to connected operations staff (/12 to /22, outside networkCidr). Default `10.14.0.0/22`. */
    readonly clientVpnCidr: string;
    /**
     * `suspiciousNetworks`: networks denied by every tenant's network ACLs and web firewall.
     * Default: a short list of ranges seen in abuse reports; operations keep it current in the platform files.
     */
    readonly suspiciousNetworks: readonly string[];
    /**
     * `offsiteGatewayIp`: the public address of the off-site backup provider's IPSec gateway, as
     * contracted. Required: there is no sensible default for somebody else's address.
     */
    readonly offsiteGatewayIp: string;
    /** `offsiteNetworks`: the provider's networks behind that gateway, inside the platform block. Default `["10.13.0.0/24"]`. */
    readonly offsiteNetworks: readonly string[];
    /** `offsiteRegion`: where the platform's backup copies go. Default: the region's partner region. */
    readonly offsiteRegion: string;
    /** `appServerCount`: shared application servers, spread over two zones. Default 2. */
    readonly appServerCount: number;
    /** `appServerType`: their instance type. Default `m6i.xlarge`. */
    readonly appServerType: string;
    /** `databaseClass`: the shared database's instance class. Default `db.m6g.xlarge`. */
    readonly databaseClass: string;
    /** `databaseStorageGiB`: the shared database's storage. Default 200. */
    readonly databaseStorageGiB: number;
    /**
     * `homeRegion`: the platform that owns what the account has once: the multi-region CloudTrail
     * trail and the public zone of `baseDomain`. The other regions' platforms create neither and
     * read them from `platform-<homeRegion>` (deployed first). Every platform stack must hold the
     * same value (checked across the files): a non-home platform also checks it against the home stack's own `homeRegion` output.
     * Default `eu-west-1` ({@link HOME_REGION}).
     */
    readonly homeRegion: string;
    /**
     * `organizationTrailArn`: the ARN of the AWS Organizations trail that already records this
     * account in every region. When set, no platform creates a trail (a second trail would log
     * everything twice and use up one of the region's five); the home platform records the ARN.
     * Default: unset, the home platform owns the trail.
     */
    readonly organizationTrailArn: string | undefined;
    /**
     * `guardDutyDetectorId`: the GuardDuty detector this account already has in this region (an
     * organisation's delegated administrator enables one in every member account), adopted
     * instead of created: AWS allows one detector per account and region and refuses a second.
     * Its protection plans stay the organisation's. Default: unset, the platform creates one.
     */
    readonly guardDutyDetectorId: string | undefined;
    /**
     * `alertEmails`: who the operations topic notifies (every alarm, failed check, failed backup and
     * GuardDuty finding of the region): a JSON list of addresses, e.g. the on-call rota's or the
     * pager's email integration. Required: an alarm nobody receives protects nobody. `[]` is
     * accepted, written out, where the topic is subscribed another way. Each address receives a
     * confirmation mail from AWS and gets nothing until it is confirmed.
     */
    readonly alertEmails: readonly string[];
    /**
     * `canaryRuntime`: the CloudWatch Synthetics runtime of every availability check (the platform's
     * and its tenants', which read it from the platform's outputs). AWS deprecates runtimes on a
     * schedule and refuses to create a canary on a deprecated one: the value must be listed in
     * lib/canary-runtimes.json, Node.js Puppeteer (the check's script), and not deprecated.
     * Default `syn-nodejs-puppeteer-15.0` ({@link DEFAULT_CANARY_RUNTIME}).
     */
    readonly canaryRuntime: string;
    /**
     * `deployRoleName`: the IAM role the rollout workflow deploys with (the role whose ARN is the
     * `production` environment's secret `AWS_DEPLOY_ROLE_ARN`, .github/workflows/infra.yml). Its
     * security group, network ACL, route table and VPN changes are the reviewed ones; the same
     * changes by anybody else alarm the operations topic as they happen. Default `itm-deploy`
     * ({@link DEFAULT_DEPLOY_ROLE_NAME}).
     */
    readonly deployRoleName: string;
}

export const PLATFORM_DEFAULTS: Omit<PlatformSettings, "offsiteGatewayIp" | "offsiteRegion" | "organizationTrailArn" | "guardDutyDetectorId" | "alertEmails"> = {
    baseDomain: DEFAULT_BASE_DOMAIN,
    networkCidr: DEFAULT_PLATFORM_NETWORK,
    clientVpnCidr: "10.14.0.0/22",
    suspiciousNetworks: ["45.155.205.0/24", "185.156.73.0/24", "193.32.162.0/24"],
    offsiteNetworks: ["10.13.0.0/24"],
    appServerCount: 2,
    appServerType: "m6i.xlarge",
    databaseClass: "db.m6g.xlarge",
    databaseStorageGiB: 200,
    homeRegion: HOME_REGION,
    canaryRuntime: DEFAULT_CANARY_RUNTIME,
    deployRoleName: DEFAULT_DEPLOY_ROLE_NAME,
};

/** At most this many addresses: the topic's subscribers are people, not a mailing list. */
export const MAX_ALERT_EMAILS = 10;

/** An address SNS's email protocol takes: local part @ a DNS name (no display names, no lists). */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** What every tenant network's ACL holds beside its allow rules (14: AWS's 20 per direction less 6). */
export const MAX_SUSPICIOUS_NETWORKS = MAX_DENIED_NETWORKS;

/**
 * Private networks the platform's administration tier reaches through the Transit Gateway: every
 * network a tenant may use (RFC 1918 less the platform block).
 */
export const TENANT_SPACE = ["10.16.0.0/12", "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** A value a message cannot quote as written: characters a terminal does not show as themselves, or a secret's look. */
function unshowable(value: string): boolean {
    return /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(value) || looksLikeSecret(value);
}

/** Problems with platform settings, each naming the setting (`key` or `key[i]`), the value and what is allowed. */
export function platformSettingsProblems(settings: PlatformSettings): string[] {
    const problems: string[] = [];
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(settings.baseDomain)) {
        problems.push(`baseDomain: ${quote(settings.baseDomain)} is not a lowercase DNS name (e.g. itm.example.net)`);
    } else if (settings.baseDomain.length > FIRST_NAME_DOMAIN_MAX) {
        // A host name over 64 characters is certified under a short first name in this domain
        // (components/domain-certificate.ts firstNameFor), which must itself fit ACM's 64.
        problems.push(
            `baseDomain: ${quote(settings.baseDomain)} has ${settings.baseDomain.length} characters; at most ${FIRST_NAME_DOMAIN_MAX}, ` +
                `so that a certificate's first name under it (<12 hex>.cert.<baseDomain>) fits ACM's 64 characters`,
        );
    }
    const block = parseCidr(PLATFORM_BLOCK)!;
    const inBlock = (key: string, value: string, prefixes: [number, number]): void => {
        const cidr = isCanonicalCidr(value) ? parseCidr(value) : undefined;
        if (!cidr) {
            problems.push(`${key}: ${quote(value)} is not an IPv4 CIDR in canonical form (e.g. 10.15.0.0/16)`);
        } else if (!containsCidr(block, cidr)) {
            problems.push(`${key}: ${value} lies outside the platform block ${PLATFORM_BLOCK}; tenants may use any other private network`);
        } else if (cidr.prefix < prefixes[0] || cidr.prefix > prefixes[1]) {
            problems.push(`${key}: ${value} has prefix /${cidr.prefix}; expected /${prefixes[0]} to /${prefixes[1]}`);
        }
    };
    inBlock("networkCidr", settings.networkCidr, [16, 24]);
    inBlock("clientVpnCidr", settings.clientVpnCidr, [12, 22]);
    settings.offsiteNetworks.forEach((network, i) => inBlock(`offsiteNetworks[${i}]`, network, [8, 32]));
    const network = parseCidr(settings.networkCidr);
    const others: [string, string][] = [["clientVpnCidr", settings.clientVpnCidr], ...settings.offsiteNetworks.map((cidr, i): [string, string] => [`offsiteNetworks[${i}]`, cidr])];
    for (const [key, value] of others) {
        const cidr = parseCidr(value);
        if (network && cidr && overlaps(network, cidr)) {
            problems.push(`${key}: ${value} overlaps networkCidr ${settings.networkCidr}; pick a range outside the platform's VPC`);
        }
    }
    // The provider's networks are static routes of one VPN and sit beside the staff's addresses in
    // the administration tier's routes: each network once, apart from each other and the Client VPN's.
    const vpnClients = parseCidr(settings.clientVpnCidr);
    settings.offsiteNetworks.forEach((value, i) => {
        const cidr = parseCidr(value);
        if (!cidr || !isCanonicalCidr(value)) {
            return;
        }
        const earlier = settings.offsiteNetworks.findIndex((other, j) => j < i && isCanonicalCidr(other) && overlaps(parseCidr(other)!, cidr));
        if (earlier >= 0) {
            problems.push(`offsiteNetworks[${i}]: ${value} overlaps offsiteNetworks[${earlier}] ${settings.offsiteNetworks[earlier]}; list each network once, apart from the others`);
        } else if (vpnClients && isCanonicalCidr(settings.clientVpnCidr) && overlaps(vpnClients, cidr)) {
            problems.push(`offsiteNetworks[${i}]: ${value} overlaps clientVpnCidr ${settings.clientVpnCidr}; the provider's networks and the staff's VPN addresses need distinct ranges`);
        }
    });
    if (settings.offsiteNetworks.length < 1 || settings.offsiteNetworks.length > 10) {
        problems.push(`offsiteNetworks: has ${settings.offsiteNetworks.length} entries; expected 1 to 10`);
    }
    if (settings.suspiciousNetworks.length > MAX_SUSPICIOUS_NETWORKS) {
        problems.push(`suspiciousNetworks: has ${settings.suspiciousNetworks.length} entries; expected at most ${MAX_SUSPICIOUS_NETWORKS}`);
    }
    const denied: Cidr[] = [];
    settings.suspiciousNetworks.forEach((value, i) => {
        const cidr = typeof value === "string" && isCanonicalCidr(value) ? parseCidr(value) : undefined;
        if (!cidr) {
            problems.push(`suspiciousNetworks[${i}]: ${quote(value)} is not an IPv4 CIDR in canonical form (e.g. 45.155.205.0/24)`);
            return;
        }
        // Every tenant's network ACL denies it before anything is allowed, and the web firewall's IP set
        // holds it: a private range would cut tenants off from their own subnets and the operations
        // network, and AWS WAF takes every prefix but /0.
        const earlier = denied.findIndex((other) => overlaps(other, cidr));
        const privateRange = PRIVATE_NETWORKS.find((range) => overlaps(range, cidr));
        if (cidr.prefix === 0) {
            problems.push(`suspiciousNetworks[${i}]: ${value} is the whole internet; AWS WAF's IP sets take /1 to /32, and a network ACL denying it would admit nobody`);
        } else if (privateRange) {
            problems.push(`suspiciousNetworks[${i}]: ${value} overlaps the private range ${formatCidr(privateRange)} (RFC 1918: the platform's block ${PLATFORM_BLOCK} and the tenants' networks); list public networks only`);
        } else if (earlier >= 0) {
            problems.push(`suspiciousNetworks[${i}]: ${value} overlaps suspiciousNetworks[${earlier}] ${formatCidr(denied[earlier]!)}; list each network once (a network ACL holds few rules)`);
        }
        denied.push(cidr);
    });
    const gateway = parseAddress(settings.offsiteGatewayIp);
    const special = gateway === undefined ? undefined : specialPurposeRange(gateway);
    if (gateway === undefined || special) {
        problems.push(
            `offsiteGatewayIp: ${quote(settings.offsiteGatewayIp)} is not a public IPv4 address${special ? ` (it is ${special.name})` : ""}; expected the provider's gateway, e.g. 81.2.69.160`,
        );
    }
    if (!REGIONS.includes(settings.offsiteRegion)) {
        problems.push(`offsiteRegion: ${quote(settings.offsiteRegion)} is not a supported AWS region`);
    }
    if (!Number.isInteger(settings.appServerCount) || settings.appServerCount < 1 || settings.appServerCount > 10) {
        problems.push(`appServerCount: ${settings.appServerCount} is not allowed; expected a whole number from 1 to 10`);
    }
    // The tenant files' own checks: a type EC2 has whose architecture the image supports, a class RDS has.
    // Their messages quote the value as written: one a terminal would not show as itself, or that
    // looks like a secret, is refused here, quoted as every other value.
    const typeProblem = unshowable(settings.appServerType) ? `${quote(settings.appServerType)} is not an EC2 instance type; expected a type from EC2's list, such as m6i.large` : instanceTypeProblem(settings.appServerType);
    if (typeProblem) {
        problems.push(`appServerType: ${typeProblem}`);
    }
    const classProblem = unshowable(settings.databaseClass) ? `${quote(settings.databaseClass)} is not an RDS instance class; expected db.<family>.<size>, such as db.m6g.xlarge` : instanceClassProblem(settings.databaseClass);
    if (classProblem) {
        problems.push(`databaseClass: ${classProblem}`);
    }
    if (!Number.isInteger(settings.databaseStorageGiB) || settings.databaseStorageGiB < 20 || settings.databaseStorageGiB > 65536) {
        problems.push(`databaseStorageGiB: ${settings.databaseStorageGiB} is not allowed; expected a whole number from 20 to 65536`);
    }
    if (!REGIONS.includes(settings.homeRegion)) {
        problems.push(`homeRegion: ${quote(settings.homeRegion)} is not a supported AWS region; expected the region whose platform owns the trail and the public zone, e.g. ${HOME_REGION}`);
    }
    // CloudTrail's TrailARN: arn:<partition>:cloudtrail:<region>:<account>:trail/<name> (3-128 characters of letters, digits, ".", "_", "-").
    const trail = settings.organizationTrailArn;
    if (trail !== undefined && !/^arn:aws[a-z-]*:cloudtrail:[a-z]{2}(-[a-z]+)+-\d:\d{12}:trail\/[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(trail)) {
        problems.push(`organizationTrailArn: ${quote(trail)} is not a CloudTrail trail ARN; expected e.g. arn:aws:cloudtrail:eu-west-1:111122223333:trail/organization-trail`);
    }
    // GuardDuty's DetectorId: 1 to 300 characters (its API model); AWS hands out 32 hexadecimal ones.
    const detector = settings.guardDutyDetectorId;
    if (detector !== undefined && !/^[0-9a-f]{32}$/.test(detector)) {
        problems.push(`guardDutyDetectorId: ${quote(detector)} is not a GuardDuty detector id; expected 32 hexadecimal characters (aws guardduty list-detectors --region <region>)`);
    }
    settings.alertEmails.forEach((address, i) => {
        if (typeof address !== "string" || !EMAIL.test(address)) {
            problems.push(`alertEmails[${i}]: ${quote(address)} is not an email address (e.g. oncall@example.com)`);
        } else if (settings.alertEmails.findIndex((other) => typeof other === "string" && other.toLowerCase() === address.toLowerCase()) !== i) {
            problems.push(`alertEmails[${i}]: ${quote(address)} is listed twice; list each address once`);
        }
    });
    if (settings.alertEmails.length > MAX_ALERT_EMAILS) {
        problems.push(`alertEmails: has ${settings.alertEmails.length} addresses; at most ${MAX_ALERT_EMAILS} (subscribe a list address or the pager's email integration instead)`);
    }
    // IAM's role names (CreateRole RoleName: [\w+=,.@-]{1,64}; botocore iam model roleNameType).
    if (typeof settings.deployRoleName !== "string" || !/^[\w+=,.@-]{1,64}$/.test(settings.deployRoleName)) {
        problems.push(`deployRoleName: ${quote(settings.deployRoleName)} is not an IAM role name; expected 1 to 64 letters, digits or + = , . @ _ - (the name of the role AWS_DEPLOY_ROLE_ARN names, not its ARN)`);
    }
    const runtimeProblem = unshowable(settings.canaryRuntime) ? `${quote(settings.canaryRuntime)} is not a runtime listed in lib/canary-runtimes.json` : canaryRuntimeProblem(settings.canaryRuntime);
    if (runtimeProblem) {
        problems.push(`canaryRuntime: ${runtimeProblem}`);
    }
    return problems;
}
