// The promises of the two documents customers are given (the ITM Platform Security Documentation,
// "002", and the Capacity Planner security policy, "000"), each as one line of a tenant's security
// sheet (`npm run evidence`): in the documents' own terms, with the modes it applies to, the policy
// rules that check it, and how the resources that implement it are recognised in a plan. A promise
// the infrastructure cannot show says so (`notShown`), never faked. Pure: the rules and the scripts
// read it.

import { Mode, MODES, MODE_TRAITS } from "../modes";

/** Where a promise's resources live, seen from a tenant (resolved per mode by {@link stackRoleOf}). */
export type PromiseScope =
    /** The tenant's own stack (its settings, its own network). */
    | "tenant"
    /** The servers that run its application: its own (own network) or the platform's shared ones. */
    | "servers"
    /** Its database and files: the platform's shared ones (saas) or its own. */
    | "data"
    /** What serves its host name (load balancer, WAF, TLS, the availability check). */
    | "edge"
    /** The region's platform stack (GuardDuty, configuration recorder, region-wide reports). */
    | "region"
    /** The home region's platform stack: the trail that records every region is there. */
    | "home"
    /** Its backup environment: its own recovery stack, or the platform's recovery (saas, dedicated-saas). */
    | "recovery";

/** Which stack of the plan a scope names for a tenant. */
export type StackRole = "tenant" | "platform" | "home-platform" | "tenant-recovery" | "platform-recovery";

export function stackRoleOf(scope: PromiseScope, mode: Mode): StackRole {
    const own = MODE_TRAITS[mode].network;
    switch (scope) {
        case "tenant":
            return "tenant";
        case "servers":
            return own ? "tenant" : "platform";
        case "data":
        case "edge":
            return mode === "saas" ? "platform" : "tenant";
        case "region":
            return "platform";
        case "home":
            return "home-platform";
        case "recovery":
            return own ? "tenant-recovery" : "platform-recovery";
        default: {
            const never: never = scope;
            throw new Error(`unknown scope ${String(never)}`);
        }
    }
}

export interface PromiseSource {
    readonly document: "ITM Platform Security Documentation" | "Capacity Planner security policy";
    readonly section: string;
}

/** A resource of the plan as the catalogue reads it. */
export interface PromiseResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
}

export interface Implementation {
    /** Where the resources are looked for. */
    readonly scopes: readonly PromiseScope[];
    /** Resource types that implement the promise. */
    readonly types: readonly string[];
    /** Which of those resources implement it (default: all of them). */
    readonly matches?: (resource: PromiseResource) => boolean;
    /** What the implementing resources are, for the sheet (e.g. "the weekend maintenance window"). */
    readonly what: string;
    /**
     * Which findings of the promise's rules concern it, where rules are shared by several promises
     * (one backup rule judges the database's and the files' backups). Default: every finding.
     */
    readonly concerns?: (finding: { readonly resource: string; readonly message: string }) => boolean;
    /** What the sheet says of each implementing resource beside its name (a schedule, a key length). */
    readonly detail?: (resource: PromiseResource) => string | undefined;
}

export interface SecurityPromise {
    /** Kebab-case, unique. */
    readonly id: string;
    /** The promise in the documents' own terms. */
    readonly title: string;
    readonly sources: readonly PromiseSource[];
    /** The modes it applies to; any other is "not applicable to this mode". */
    readonly modes: readonly Mode[];
    /** Names of the policy rules that check it (policy/rules); a promise shown by the plan has at least one. */
    readonly rules: readonly string[];
    /** How its resources are recognised; absent for the promises the infrastructure cannot show. */
    readonly implementation?: Implementation;
    /** For a promise the infrastructure cannot show: what it cannot show and why. */
    readonly notShown?: string;
}

const ITM = (section: string): PromiseSource => ({ document: "ITM Platform Security Documentation", section });
const CP = (section: string): PromiseSource => ({ document: "Capacity Planner security policy", section });

const ALL: readonly Mode[] = MODES;
const VPN_MODES = MODES.filter((mode) => MODE_TRAITS[mode].vpn);
const INTERNET_MODES = MODES.filter((mode) => !MODE_TRAITS[mode].vpn);

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/**
 * A backup plan's rules as the sheet states them: schedule, retention in the home vault (the
 * production side), each copy's region and retention there (the backup server): the weekly
 * points are kept a week at home and a year off-site.
 */
function backupRules(resource: PromiseResource): string | undefined {
    const rules = resource.inputs.rules;
    if (!Array.isArray(rules)) {
        return undefined;
    }
    return (rules as { ruleName?: string; schedule?: string; lifecycle?: { deleteAfter?: number }; copyActions?: { destinationVaultArn?: string; lifecycle?: { deleteAfter?: number } }[] }[])
        .map((rule) => {
            // A copy without a lifecycle of its own keeps the rule's.
            const copies = (rule.copyActions ?? []).map((copy) => `copied to ${/^arn:aws:backup:([^:]+):/.exec(String(copy.destinationVaultArn))?.[1] ?? "another vault"} and kept ${(copy.lifecycle ?? rule.lifecycle)?.deleteAfter ?? "?"} days there`);
            return [`${rule.ruleName}: ${rule.schedule} UTC, kept ${rule.lifecycle?.deleteAfter ?? "?"} days in the home vault`, ...copies].join(", ");
        })
        .join("; ");
}

/** The tenant settings parameter (`/tenants/<id>/settings`) the application reads its password policy from. */
const isSettings = (resource: PromiseResource): boolean => /^\/tenants\/[^/]+\/settings$/.test(text(resource.inputs.name));

export const PROMISES: readonly SecurityPromise[] = [
    {
        id: "two-network-cards",
        title: "All servers have two network cards: one on the administration network, one on the general access network",
        sources: [ITM("6.2 Access Network and Administration Network")],
        modes: ALL,
        rules: ["ec2-instance-dual-tier-interfaces"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/instance:Instance", "aws:ec2/networkInterface:NetworkInterface"], what: "the servers and their administration interfaces" },
    },
    {
        id: "administration-network-restricted",
        title: "Administration network access is only available to operations personnel",
        sources: [ITM("6.2 Access Network and Administration Network")],
        modes: ALL,
        rules: ["ec2-security-group-admin-ports-from-operations"],
        implementation: {
            scopes: ["servers"],
            types: ["aws:ec2/securityGroup:SecurityGroup"],
            matches: (r) => /admin/.test(r.name), what: "the administration security groups" },
    },
    {
        id: "external-firewall",
        title: "A first level of access through an external firewall that filters all port and server address access attempts, with a scan that warns of denial of service attacks",
        sources: [ITM("6.1 Firewall and Port Blocking"), CP("Managing threats and vulnerabilities: multiple different types of firewalls")],
        modes: INTERNET_MODES,
        rules: ["lb-internet-facing-waf", "wafv2-web-acl-logging", "ec2-network-acl-no-open-world-ingress"],
        implementation: { scopes: ["edge"], types: ["aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclAssociation:WebAclAssociation"], what: "the web application firewall in front of the load balancer" },
    },
    {
        id: "port-blocking",
        title: "All servers have security filters that block all ports and addresses that are not strictly necessary; only necessary network ports are open",
        sources: [ITM("6.1 Firewall and Port Blocking"), CP("Managing threats and vulnerabilities: only open necessary network ports")],
        modes: ALL,
        rules: ["ec2-security-group-no-open-world-ingress", "ec2-network-acl-no-open-world-ingress"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/networkAcl:NetworkAcl"], what: "security groups and network ACLs" },
    },
    {
        id: "blocked-access-warning",
        title: "A security warning is issued if an attempt is made to access a blocked port or address",
        sources: [ITM("6.1 Firewall and Port Blocking")],
        modes: ALL,
        rules: ["ec2-vpc-flow-log", "ec2-flow-log-rejections-alarmed"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/flowLog:FlowLog", "aws:cloudwatch/logMetricFilter:LogMetricFilter"], what: "the VPC flow log and its rejected-packets metric" },
    },
    {
        id: "suspicious-network-blocking",
        title: "Suspicious networks found during a review are blocked",
        sources: [ITM("6.3 Suspicious Network Blocking")],
        modes: INTERNET_MODES,
        // An emptied IP set still passes: the platform settings allow an empty list (no network found suspicious yet).
        rules: ["lb-internet-facing-waf", "wafv2-web-acl-blocks-suspicious-networks", "ec2-network-acl-denies-suspicious-networks"],
        implementation: { scopes: ["edge"], types: ["aws:wafv2/ipSet:IpSet"], what: "the firewall's list of blocked networks" },
    },
    {
        id: "internet-facing-separated",
        title: "Internet-facing systems are separated from the other servers",
        sources: [CP("Data security measures")],
        modes: ALL,
        rules: ["ec2-instance-no-public-ip", "ec2-subnet-no-public-ip-on-launch", "rds-instance-not-public"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/instance:Instance"], what: "servers without a public address, behind the load balancer" },
    },
    {
        id: "vpn-access",
        title: "Access only from the customer's corporate network through a VPN connection (IPSec)",
        sources: [ITM("1.5 Access: VPN"), ITM("1.1 configuration modes: Access via VPN")],
        modes: VPN_MODES,
        rules: ["ec2-vpn-connection-tunnel-crypto", "ec2-vpn-connection-psk-secret", "vpc-vpn-only-no-internet-path"],
        implementation: {
            scopes: ["tenant"],
            types: ["aws:ec2/vpnConnection:VpnConnection"],
            what: "the site-to-site IPSec VPN connection",
            detail: (r) => `IKE ${text(r.inputs.tunnel1IkeVersions)}, phase 1 ${text(r.inputs.tunnel1Phase1EncryptionAlgorithms)}, phase 2 ${text(r.inputs.tunnel1Phase2EncryptionAlgorithms)}`,
        },
    },
    {
        id: "encryption-in-transit",
        title: "All data transmitted between the browser and the servers is encrypted (HTTPS, at least 128-bit TLS)",
        sources: [CP("Browser security"), ITM("1.5 Access: HTTP and HTTPS Protocols")],
        modes: ALL,
        rules: ["lb-internet-facing-https-tls12", "lb-internet-facing-http-redirects-only", "s3-bucket-tls-only-policy", "rds-instance-tls-required"],
        implementation: {
            scopes: ["edge"],
            types: ["aws:lb/listener:Listener"],
            matches: (r) => r.inputs.protocol === "HTTPS",
            what: "the HTTPS listener",
            detail: (r) => `TLS policy ${text(r.inputs.sslPolicy ?? "the ELB default")}`,
        },
    },
    {
        id: "encryption-at-rest",
        title: "The servers' file systems and databases are encrypted with 256-bit keys",
        sources: [CP("Application security")],
        modes: ALL,
        rules: [
            "rds-instance-storage-encrypted-cmk",
            "ebs-volume-encrypted-cmk",
            "ec2-instance-block-devices-encrypted-cmk",
            "s3-bucket-sse-kms-cmk",
            "secretsmanager-secret-encrypted-cmk",
            "sns-topic-encrypted-cmk",
            "cloudwatch-log-group-encrypted-cmk",
        ],
        implementation: {
            scopes: ["data"],
            types: ["aws:rds/instance:Instance", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
            what: "the database and file storage, encrypted with AES-256 KMS keys",
        },
    },
    {
        id: "keys-kept-apart",
        title: "All the encryption keys are stored in a restricted and secure area external to the systems",
        sources: [CP("Application security")],
        modes: ALL,
        rules: ["kms-key-rotation-enabled", "kms-key-retained-on-delete", "kms-key-aes-256", "kms-key-policy-restricted"],
        implementation: {
            scopes: ["data"],
            types: ["aws:kms/key:Key"],
            what: "customer-managed KMS keys (keys never leave AWS KMS)",
            // SYMMETRIC_DEFAULT is AES-256-GCM (AWS KMS Developer Guide, "Symmetric encryption KMS keys").
            detail: (r) => `${text(r.inputs.customerMasterKeySpec ?? r.inputs.keySpec ?? "SYMMETRIC_DEFAULT")}${(r.inputs.customerMasterKeySpec ?? r.inputs.keySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" ? " (AES-256)" : ""}, rotation ${r.inputs.enableKeyRotation === true ? "on" : "off"}`,
        },
    },
    {
        id: "tenant-data-isolated",
        title: "The data of an organization can only be accessed by users from that same organization",
        sources: [ITM("1.2 Server: Shared Server"), ITM("1.3 Application and Database")],
        modes: ALL,
        rules: ["tenant-isolation-markers"],
        implementation: { scopes: ["tenant"], types: ["pulumi:providers:aws"], what: "the tenant's own stack, tagged with its id" },
    },
    {
        id: "dedicated-physical-server",
        title: "One or more dedicated servers for the client's environment",
        sources: [ITM("1.2 Server: Physical Server")],
        modes: ["physical"],
        rules: ["ec2-instance-dedicated-host"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/instance:Instance"], what: "servers on dedicated hardware" },
    },
    {
        id: "database-backup",
        title: "A copy of the database every two hours, encrypted, kept seven days on the production side; daily data backups; a weekly backup kept for one year on the backup server",
        sources: [ITM("3.1 Database"), ITM("3.6 Backup Plan"), CP("Managing threats and vulnerabilities: backup data every day")],
        modes: ALL,
        rules: ["backup-plan-promise", "backup-selection-data", "rds-instance-backup-retention", "backup-vault-notifications"],
        implementation: {
            scopes: ["data"],
            types: ["aws:backup/plan:Plan"],
            matches: (r) => /database/.test(r.name), what: "the database backup plan", detail: backupRules, concerns: (f) => /database/i.test(`${f.resource} ${f.message}`) },
    },
    {
        id: "web-files-backup",
        title: "Web files are copied once a day; a weekly backup is kept for one year on the backup server",
        sources: [ITM("3.2 Web Files"), ITM("3.6 Backup Plan")],
        modes: ALL,
        rules: ["backup-plan-promise", "backup-selection-data"],
        implementation: {
            scopes: ["data"],
            types: ["aws:backup/plan:Plan"],
            matches: (r) => /files/.test(r.name), what: "the files backup plan", detail: backupRules, concerns: (f) => /files/i.test(`${f.resource} ${f.message}`) },
    },
    {
        id: "backup-off-site",
        title: "The backup server is located away from the production servers (an off-site copy)",
        sources: [ITM("3.3 Location of the Backup Server")],
        modes: ALL,
        rules: ["backup-plan-promise", "backup-selection-data"],
        implementation: {
            scopes: ["data"],
            types: ["aws:backup/plan:Plan"],
            matches: (r) => Array.isArray(r.inputs.rules) && (r.inputs.rules as { copyActions?: unknown[] }[]).some((rule) => (rule.copyActions ?? []).length > 0),
            what: "backup rules copying every recovery point to a vault in another region",
            detail: backupRules,
        },
    },
    {
        id: "backup-encryption",
        title: "All backup copies are encrypted with strong algorithms and only the operations team can handle them",
        sources: [ITM("3.4 Encryption and Safekeeping")],
        modes: ALL,
        rules: ["backup-vault-encrypted-cmk", "backup-vault-lock", "backup-vault-retained-on-delete"],
        implementation: { scopes: ["data"], types: ["aws:backup/vault:Vault"], what: "the KMS-encrypted, locked backup vaults" },
    },
    {
        id: "backup-environment",
        title: "A backup environment exists for recovering the system in the event of a major incident",
        sources: [ITM("4. Backup Environment")],
        modes: ALL,
        rules: ["stack-recovery-environment", "backup-restore-testing-recovery"],
        implementation: { scopes: ["recovery"], types: ["pulumi:providers:aws"], what: "the recovery stack in another region" },
    },
    {
        id: "weekend-patching",
        title: "Weekend maintenance reviews and applies the updates and patches of the operating systems and basic software",
        sources: [ITM("5.2 System"), CP("Managing threats and vulnerabilities: patch our servers")],
        modes: ALL,
        rules: ["patch-window-weekend", "ec2-instance-patched", "rds-instance-maintenance-weekend"],
        implementation: {
            scopes: ["servers"],
            types: ["aws:ssm/maintenanceWindow:MaintenanceWindow"],
            what: "the weekend maintenance window",
            detail: (r) => `${text(r.inputs.schedule)} ${text(r.inputs.scheduleTimezone ?? "UTC")}, ${text(r.inputs.duration)} hours`,
        },
    },
    {
        id: "weekly-update-check",
        title: "Weekly: operating systems and basic software update checks",
        sources: [ITM("7.1 Weekly Control")],
        modes: ALL,
        rules: ["ssm-inventory-and-patch-scan"],
        implementation: {
            scopes: ["servers"],
            types: ["aws:ssm/association:Association", "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask"],
            matches: (r) => /AWS-RunPatchBaseline/.test(text(r.inputs.name ?? r.inputs.taskArn)) && /"Scan"/.test(text(r.inputs.parameters ?? r.inputs.taskInvocationParameters)),
            what: "the weekly patch compliance scan",
        },
    },
    {
        id: "weekly-antivirus-scan",
        title: "Weekly: complete antivirus scan of the servers",
        sources: [ITM("7.1 Weekly Control")],
        modes: ALL,
        rules: ["guardduty-detector-malware-protection"],
        implementation: {
            scopes: ["region"],
            types: ["aws:guardduty/detectorFeature:DetectorFeature"],
            matches: (r) => r.inputs.name === "EBS_MALWARE_PROTECTION" && r.inputs.status === "ENABLED",
            what: "GuardDuty malware protection of the servers' EBS volumes",
        },
    },
    {
        id: "network-change-detection",
        title: "Weekly: a scan of the servers to detect any firewall configuration changes",
        sources: [ITM("7.1 Weekly Control")],
        modes: ALL,
        rules: ["cloudwatch-event-rule-network-changes"],
        implementation: {
            scopes: ["region"],
            types: ["aws:cloudwatch/eventRule:EventRule"],
            // EC2's API calls as CloudTrail records them: the security group, network ACL, route table and VPN rules.
            matches: (r) => /AWS API Call via CloudTrail/.test(text(r.inputs.eventPattern)) && /"aws\.ec2"/.test(text(r.inputs.eventPattern)),
            what: "EventBridge rules on security group, network ACL, route table and VPN changes",
        },
    },
    {
        id: "intrusion-detection",
        title: "Detection of unauthorized access to ports or addresses and any other network security breach (intrusion detection)",
        sources: [ITM("7.1 Weekly Control"), CP("Managing threats and vulnerabilities: intrusion detection and prevention")],
        modes: ALL,
        rules: ["guardduty-detector-enabled", "guardduty-detector-protection-plans"],
        implementation: { scopes: ["region"], types: ["aws:guardduty/detector:Detector"], what: "the region's GuardDuty detector" },
    },
    {
        id: "denied-access-log-reading",
        title: "Weekly: reading of denied access logs to identify unauthorized access attempts",
        sources: [ITM("7.1 Weekly Control")],
        modes: ALL,
        rules: ["controls-report-in-region-owner", "ec2-flow-log-all-traffic"],
        implementation: { scopes: ["region"], types: ["aws:cloudwatch/queryDefinition:QueryDefinition"], what: "the weekly report of rejected flow-log records" },
    },
    {
        id: "monthly-configuration-review",
        title: "Monthly: a general review of the server software, the system configuration and the version of all key files",
        sources: [ITM("7.2 Monthly Control")],
        modes: ALL,
        rules: ["ssm-inventory-and-patch-scan", "config-recorder-enabled"],
        implementation: {
            scopes: ["servers", "region"],
            types: ["aws:ssm/association:Association", "aws:cfg/recorder:Recorder"],
            matches: (r) => r.type === "aws:cfg/recorder:Recorder" || /AWS-GatherSoftwareInventory/.test(text(r.inputs.name)),
            what: "SSM Inventory of packages and key files, and AWS Config's configuration history",
        },
    },
    {
        id: "audit-logs",
        title: "Audit logs that show all the transactions executed on the servers and on S3 storage are used and retained",
        sources: [CP("Managing threats and vulnerabilities: audit logs"), CP("Application security: strict audit trails")],
        modes: ALL,
        rules: ["cloudtrail-trail-audit", "s3-audit-bucket-access-logging", "lb-access-logs-to-stack-bucket", "logs-evidence-retained", "ec2-client-vpn-connection-logs"],
        implementation: { scopes: ["home"], types: ["aws:cloudtrail/trail:Trail"], what: "the CloudTrail trail with S3 data events" },
    },
    {
        id: "availability-check",
        title: "An external service checks every five minutes that the platform offers a correct service",
        sources: [ITM("8. Availability and Performance"), CP("Managing threats and vulnerabilities: monitor our servers around the clock")],
        modes: ALL,
        rules: ["availability-check-every-5-minutes", "synthetics-canary-runtime-not-deprecated", "availability-check-alarmed", "availability-check-own-host", "stack-promise-resources-present"],
        implementation: {
            scopes: ["edge"],
            types: ["aws:synthetics/canary:Canary"],
            what: "the CloudWatch Synthetics canary",
            detail: (r) => `${text((r.inputs.schedule as { expression?: unknown } | undefined)?.expression)}, checks ${text((r.inputs.runConfig as { environmentVariables?: { CHECK_URL?: unknown } } | undefined)?.environmentVariables?.CHECK_URL)}`,
        },
    },
    {
        id: "automated-server-build",
        title: "The server build process is automated to make recovery faster",
        sources: [CP("Managing threats and vulnerabilities: automate our server build process")],
        modes: ALL,
        rules: ["ec2-instance-pinned-image"],
        implementation: { scopes: ["servers"], types: ["aws:ec2/instance:Instance"], what: "servers built from a pinned image by the program" },
    },
    {
        id: "password-min-length",
        title: "Passwords of at least 10 characters; each organization configures its standard length",
        sources: [CP("User authentication"), ITM("2.1 Passwords: Password Length Configuration")],
        modes: ALL,
        rules: ["tenant-password-min-length", "stack-promise-resources-present"],
        implementation: {
            scopes: ["tenant"],
            types: ["aws:ssm/parameter:Parameter"],
            matches: isSettings,
            what: "the tenant's application settings",
            detail: (r) => `passwordMinLength ${/"passwordMinLength":\s*(\d+)/.exec(text(r.inputs.insecureValue ?? r.inputs.value))?.[1] ?? "not set"}`,
        },
    },
    {
        id: "password-hashed-salted",
        title: "Passwords are stored in one place only, hashed and salted",
        sources: [CP("User authentication")],
        modes: ALL,
        rules: [],
        notShown: "how the application stores passwords is application code; the infrastructure only holds its database",
    },
    {
        id: "antivirus-on-each-server",
        title: "Continuously-updating anti-malware software runs on each server",
        sources: [CP("Managing threats and vulnerabilities: anti-malware software")],
        modes: ALL,
        rules: [],
        notShown: "software running inside the servers and the application is not in the plan; GuardDuty's scans of the volumes are the weekly antivirus line",
    },
    {
        id: "iso-27001",
        title: "ISO 27001 accreditation, externally audited every year",
        sources: [CP("Data security measures")],
        modes: ALL,
        rules: [],
        notShown: "a certification of the company's processes; the certificate is the evidence, not the infrastructure",
    },
    {
        id: "quarterly-external-assessment",
        title: "Quarterly: an external company performs a security assessment and simulates a range of attacks",
        sources: [ITM("7.3 Quarterly Control"), CP("Data security measures: independent penetration tests")],
        modes: ALL,
        rules: [],
        notShown: "done by an external company; its report is the evidence, not the infrastructure",
    },
    {
        id: "monthly-security-controls",
        title: "Monthly: execution of an extensive series of security controls",
        sources: [ITM("7.2 Monthly Control")],
        modes: ALL,
        rules: [],
        notShown: "an operating procedure; the plan shows the policy rules run on every change (this sheet), not the monthly procedure",
    },
    {
        id: "ipsec-between-servers",
        title: "IPSec links the servers together in the private network",
        sources: [CP("Data security measures")],
        modes: ALL,
        rules: [],
        notShown: "the servers talk inside one VPC; no IPSec between servers is configured by the infrastructure (the site-to-site VPN of the VPN modes is the VPN line)",
    },
    {
        id: "patches-tested-first",
        title: "Patches are tested on test and development environments before they go live on production",
        sources: [CP("Managing threats and vulnerabilities"), ITM("5.1 Application: Environments")],
        modes: ALL,
        rules: [],
        notShown: "a release procedure; the plan holds the production and recovery stacks only",
    },
];

/** The promise with this id. */
export function promiseById(id: string): SecurityPromise | undefined {
    return PROMISES.find((promise) => promise.id === id);
}
