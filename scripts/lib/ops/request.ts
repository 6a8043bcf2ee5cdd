// What npm run preview|up|destroy is asked to do (parsed by scripts/stack-ops.ts), and the streams
// the operations use.

export const COMMANDS = ["preview", "up", "destroy", "changed"] as const;
export type Command = (typeof COMMANDS)[number];

export interface OpsRequest {
    readonly command: Command;
    readonly stacks: string[];
    readonly all: boolean;
    readonly parallel: number | undefined;
    readonly dryRun: boolean;
    readonly yes: boolean;
    /** destroy of a recovery environment (`<x>-recovery`): refused without it. */
    readonly force: boolean;
    readonly logFile: string | undefined;
    readonly plan: string | undefined;
    /** preview|up --waves: exactly these stacks, wave after wave in this order (a CI rollout batch). */
    readonly waves?: readonly (readonly string[])[];
}

/** What the operations need of the world outside: streams, for tests. */
export interface OpsIo {
    readonly stdin: NodeJS.ReadableStream;
    readonly stderr: NodeJS.WriteStream;
}
