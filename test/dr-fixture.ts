// The world `npm run dr` acts on, for the tests: the stub pulumi (test/fixtures/stub-pulumi) with a
// production stack and its recovery stack, the AWS SDK clients mocked with aws-sdk-client-mock, a
// functional check and a clock the test drives (sleeping advances the clock, no real time passes).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough, Readable } from "node:stream";

import { BackupClient, BackupClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes, DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import {
    CreateRuleCommand,
    DeleteRuleCommand,
    DescribeRulesCommand,
    ElasticLoadBalancingV2Client,
    ElasticLoadBalancingV2ClientResolvedConfig,
    ServiceInputTypes as ElbInput,
    ServiceOutputTypes as ElbOutput,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    DBInstanceNotFoundFault,
    DeleteDBInstanceCommand,
    DescribeDBInstancesCommand,
    ModifyDBInstanceCommand,
    RDSClient,
    RDSClientResolvedConfig,
    ServiceInputTypes as RdsInput,
    ServiceOutputTypes as RdsOutput,
} from "@aws-sdk/client-rds";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, ServiceInputTypes as SsmInput, ServiceOutputTypes as SsmOutput, SSMClient, SSMClientResolvedConfig } from "@aws-sdk/client-ssm";
import { PublishCommand, ServiceInputTypes as SnsInput, ServiceOutputTypes as SnsOutput, SNSClient, SNSClientResolvedConfig } from "@aws-sdk/client-sns";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";

import { DrIo, main } from "../scripts/dr";
import { sdkAws } from "../scripts/lib/dr/aws";
import type { CheckResult } from "../scripts/lib/dr/check";
import { PulumiCli, pulumiCli } from "../scripts/lib/dr/pulumi-cli";
import type { RunState } from "../scripts/lib/dr/run-file";

const REPO = path.resolve(__dirname, "..");
export const STUBS = path.join(REPO, "test", "fixtures", "stub-pulumi");
export const SYSTEM_PATH = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter);

/**
 * Runs the file's tests with the stub pulumi first on PATH and a home of their own (not the real
 * one: bash started by zx may source ~/.bashrc, which may put a real pulumi first on PATH), and
 * restores both afterwards. Call it at the top of a file or a describe block.
 */
export function useStubPulumi(prefix: string): void {
    const saved = { PATH: process.env.PATH, HOME: process.env.HOME };
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    beforeAll(() => {
        process.env.HOME = home;
        process.env.PATH = `${STUBS}${path.delimiter}${SYSTEM_PATH}`;
        process.env.BACKUP_POLL_SECONDS = "60";
        delete process.env.LOG_FILE;
    });
    afterAll(() => {
        process.env.PATH = saved.PATH;
        process.env.HOME = saved.HOME;
        fs.rmSync(home, { recursive: true, force: true });
    });
}

export const ACCOUNT = "123456789012";
export const START = new Date("2026-03-02T03:00:00Z");
export const VAULT = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:acme-offsite`;
export const LISTENER = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:listener/app/acme/50dc6c495c0c9188/f2f7dc8efc522ab2`;
export const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:platform-eu-west-1-operations`;
export const DATABASE = `arn:aws:rds:eu-west-1:${ACCOUNT}:db:acme-db`;
export const FILES = "arn:aws:s3:::acme-files";

export const PRODUCTION_OUTPUTS = {
    url: "https://acme.itm.example.net",
    loadBalancerArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/acme/50dc6c495c0c9188`,
    httpsListenerArn: LISTENER,
    // The home vault (production's region) keeps the weekly points only 7 days: dr never restores from it.
    backupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:acme-home`,
    offsiteBackupVaultArn: VAULT,
    databaseArn: DATABASE,
    filesBucketArn: FILES,
    serverImage: "itm-app-2026.02.1",
    operationsTopicArn: TOPIC,
    dataKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6`,
    dbPassword: "[secret]",
};

const restoreTarget = (prefix: string) => ({ dbSubnetGroupName: `${prefix}-db`, securityGroupIds: ["sg-0a1b2c3d"], filesBucketName: `${prefix}-files`, availabilityZone: "eu-central-1a" });

export const DATA_KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

export const RECOVERY_OUTPUTS = {
    restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-recovery-restore`,
    dataKeyArn: DATA_KEY,
    restoreTarget: restoreTarget("acme-recovery"),
    serverImage: "itm-app-2026.02.1",
    url: "https://acme.recovery.itm.example.net",
    recoveryActive: false,
};

export const DRILL_OUTPUTS = { ...RECOVERY_OUTPUTS, restoreTarget: restoreTarget("acme-drill"), url: "https://acme.drill.itm.example.net", recoveryActive: true };

export interface World {
    readonly dir: string;
    readonly runDir: string;
    readonly backup: AwsStub<ServiceInputTypes, ServiceOutputTypes, BackupClientResolvedConfig>;
    readonly elb: AwsStub<ElbInput, ElbOutput, ElasticLoadBalancingV2ClientResolvedConfig>;
    readonly sns: AwsStub<SnsInput, SnsOutput, SNSClientResolvedConfig>;
    readonly rds: AwsStub<RdsInput, RdsOutput, RDSClientResolvedConfig>;
    /** SSM: the drills' durable records, kept in `parameters` ("<region> <name>" -> value). */
    readonly ssm: AwsStub<SsmInput, SsmOutput, SSMClientResolvedConfig>;
    readonly parameters: Map<string, string>;
    /** The clock; `sleep` moves it on. */
    now: Date;
    /** Answers of the functional check by URL (default: production fails, every other URL passes). */
    check: (url: string) => CheckResult;
    /** When set, the first Pulumi call made while this step runs fails (then it is cleared). */
    failInStep: string | undefined;
    readonly stdout: string[];
    readonly log: string[];
}

export function pulumiCalls(world: World): { argv: string[]; stack?: string; phase: string }[] {
    const file = path.join(world.dir, "calls.jsonl");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line)) : [];
}

/** Points in the off-site vault: a database point 30 min old and a files point 5 h old. */
export function recoveryPoints(world: World, ages: { database?: number | null; files?: number | null } = {}): void {
    const point = (resource: string, type: string, minutes: number | null | undefined) =>
        minutes === null ? [] : [{ RecoveryPointArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:recovery-point:${resource}-newest`, ResourceArn: resource, ResourceType: type, Status: "COMPLETED" as const, CreationDate: new Date(START.getTime() - (minutes ?? 30) * 60_000) }];
    world.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: DATABASE }).resolves({
        RecoveryPoints: [...point(DATABASE, "RDS", ages.database), { RecoveryPointArn: "arn:old-partial", ResourceArn: DATABASE, ResourceType: "RDS", Status: "PARTIAL", CreationDate: START }],
    });
    world.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: FILES }).resolves({ RecoveryPoints: point(FILES, "S3", ages.files === undefined ? 300 : ages.files) });
}

export function createWorld(): World {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-test-"));
    fs.mkdirSync(path.join(dir, "stacks"));
    for (const stack of ["acme", "acme-recovery"]) {
        fs.writeFileSync(path.join(dir, "stacks", `${stack}.json`), JSON.stringify({ config: {} }));
    }
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify({ acme: PRODUCTION_OUTPUTS, "acme-recovery": RECOVERY_OUTPUTS, "acme-drill": DRILL_OUTPUTS }));
    process.env.STUB_PULUMI_DIR = dir;
    process.env.STUB_PULUMI_DELAY_MS = "0";
    const world: World = {
        dir,
        runDir: path.join(dir, "runs"),
        backup: mockClient(BackupClient),
        elb: mockClient(ElasticLoadBalancingV2Client),
        sns: mockClient(SNSClient),
        rds: mockClient(RDSClient),
        ssm: mockClient(SSMClient),
        parameters: new Map(),
        now: START,
        check: (url) => (url === PRODUCTION_OUTPUTS.url ? { ok: false, error: "connect ETIMEDOUT" } : { ok: true, status: 200 }),
        failInStep: undefined,
        stdout: [],
        log: [],
    };
    world.backup.reset();
    world.elb.reset();
    world.sns.reset();
    world.rds.reset();
    world.ssm.reset();
    // The drills' durable records: stored per region, as SSM keeps them.
    world.ssm.on(PutParameterCommand).callsFake(async (input: { Name: string; Value: string }, client) => {
        world.parameters.set(`${await client().config.region()} ${input.Name}`, input.Value);
        return { Version: 1 };
    });
    world.ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }, client) => {
        const value = world.parameters.get(`${await client().config.region()} ${input.Name}`);
        if (value === undefined) throw new ParameterNotFound({ message: `Parameter ${input.Name} not found.`, $metadata: {} });
        return { Parameter: { Name: input.Name, Type: "String", Value: value } };
    });
    // The drill's database: there until deleted, then (one poll later) gone. A restored database
    // has no managed master secret until dr asks for one.
    const deleted = new Set<string>();
    const polled = new Set<string>();
    const managed = new Set<string>();
    world.rds.on(ModifyDBInstanceCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
        managed.add(input.DBInstanceIdentifier);
        return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: "modifying" } };
    });
    world.rds.on(DeleteDBInstanceCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
        deleted.add(input.DBInstanceIdentifier);
        return { DBInstance: { DBInstanceStatus: "deleting" } };
    });
    world.rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
        if (deleted.has(input.DBInstanceIdentifier) && polled.has(input.DBInstanceIdentifier)) {
            throw new DBInstanceNotFoundFault({ message: `DBInstance ${input.DBInstanceIdentifier} not found.`, $metadata: {} });
        }
        if (deleted.has(input.DBInstanceIdentifier)) polled.add(input.DBInstanceIdentifier);
        const secret = !managed.has(input.DBInstanceIdentifier)
            ? {} : { MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:rds!db-${input.DBInstanceIdentifier}`, SecretStatus: "active", KmsKeyId: DATA_KEY } };
        return { DBInstances: [{ DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: deleted.has(input.DBInstanceIdentifier) ? "deleting" : "available", ...secret }] };
    });
    recoveryPoints(world);
    world.backup.on(StartRestoreJobCommand, { ResourceType: "RDS" }).resolves({ RestoreJobId: "job-database" });
    world.backup.on(StartRestoreJobCommand, { ResourceType: "S3" }).resolves({ RestoreJobId: "job-files" });
    world.backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED", CreatedResourceArn: `arn:aws:rds:eu-central-1:${ACCOUNT}:db:restored` });
    world.elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: "arn:default", Priority: "default", Actions: [{ Type: "forward" }] }] });
    world.elb.on(CreateRuleCommand).resolves({ Rules: [{ RuleArn: `${LISTENER}/maintenance` }] });
    world.elb.on(DeleteRuleCommand).resolves({});
    world.sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    return world;
}

/** The current step of the run being made: the one its run file says is running. */
function runningStep(world: World): string | undefined {
    const folder = path.join(world.runDir, "acme");
    if (!fs.existsSync(folder)) return undefined;
    const latest = fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort().pop();
    if (!latest) return undefined;
    const state = JSON.parse(fs.readFileSync(path.join(folder, latest), "utf8")) as RunState;
    return state.steps.find((step) => step.status === "running")?.name;
}

/** The real CLI wrapper over the stub, failing the first call made during `world.failInStep`. */
function failingPulumi(world: World, inner: PulumiCli): PulumiCli {
    const wrap = <K extends keyof PulumiCli>(key: K): PulumiCli[K] =>
        (async (...args: unknown[]) => {
            if (world.failInStep !== undefined && runningStep(world) === world.failInStep) {
                world.failInStep = undefined;
                throw new Error(`injected failure in ${key}(${String(args[0])})`);
            }
            return (inner[key] as (...a: unknown[]) => Promise<unknown>)(...args);
        }) as PulumiCli[K];
    return { exists: wrap("exists"), outputs: wrap("outputs"), setConfig: wrap("setConfig"), copyStack: wrap("copyStack"), up: wrap("up"), destroy: wrap("destroy") };
}

export async function dr(world: World, argv: string[], options: { stdin?: string; pulumi?: boolean } = {}): Promise<number> {
    world.stdout.length = 0;
    const stderr = new PassThrough();
    stderr.on("data", (chunk: Buffer) => world.log.push(chunk.toString("utf8")));
    const silent = pino({ level: "silent" });
    const io: DrIo = {
        stdin: Readable.from([options.stdin ?? ""]),
        stderr: stderr as unknown as NodeJS.WriteStream,
        stdout: async (text) => {
            world.stdout.push(text);
        },
        aws: sdkAws(),
        check: async (url) => world.check(url),
        ...(options.pulumi === false ? {} : { pulumi: failingPulumi(world, pulumiCli(silent)) }),
        now: () => world.now,
        sleep: async (ms) => {
            world.now = new Date(world.now.getTime() + ms);
        },
        runDir: world.runDir,
    };
    return main(argv, io);
}

export function output(world: World): string {
    return world.stdout.join("");
}
