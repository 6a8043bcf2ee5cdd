// destroy's interruption guard (scripts/lib/ops/destroy.ts): while the offboarding record is in the
// stack config, Ctrl-C or SIGTERM removes it (or says how) before the process ends. The signals come
// from an emitter of the test's own, never the test process.

import { EventEmitter } from "node:events";

import { describe, expect, it } from "vitest";

import { forgetOffboardingOnSignal } from "../scripts/lib/ops/destroy";

function guarded(forget: () => Promise<string>) {
    const signals = new EventEmitter();
    const written: string[] = [];
    const exits: number[] = [];
    let ended: () => void = () => {};
    const exited = new Promise<void>((resolve) => (ended = resolve));
    const stop = forgetOffboardingOnSignal({
        forget,
        tenant: "globex",
        stderr: { write: (text: string) => written.push(text) },
        exit: (code) => {
            exits.push(code);
            ended();
        },
        signals,
    });
    return { signals, written, exits, exited, stop };
}

describe("destroy's interruption guard", () => {
    it("GIVEN the record is set WHEN Ctrl-C THEN it is removed, said on stderr, and the process ends with 130", async () => {
        let removed = 0;
        const run = guarded(async () => {
            removed += 1;
            return "";
        });
        run.signals.emit("SIGINT", "SIGINT");
        await run.exited;
        expect(removed).toBe(1);
        expect(run.exits).toEqual([130]);
        expect(run.written.join("")).toContain("destroy: interrupted (SIGINT): removing the stack config offboardingFinalBackup");
        expect(run.written.join("")).toContain("destroy: offboardingFinalBackup removed. The final backup is kept");
    });

    it("GIVEN the removal fails WHEN SIGTERM THEN the command to run by hand is printed and the process ends with 143", async () => {
        const run = guarded(async () => "  The stack config offboardingFinalBackup could not be removed (locked): run `pulumi config rm offboardingFinalBackup --stack globex`\n");
        run.signals.emit("SIGTERM", "SIGTERM");
        await run.exited;
        expect(run.exits).toEqual([143]);
        expect(run.written.join("")).toContain("run `pulumi config rm offboardingFinalBackup --stack globex`");
    });

    it("GIVEN a second Ctrl-C while removing WHEN it arrives THEN the process ends at once with the command to run", () => {
        const run = guarded(() => new Promise<string>(() => {}));
        run.signals.emit("SIGINT", "SIGINT");
        run.signals.emit("SIGINT", "SIGINT");
        expect(run.exits).toEqual([130]);
        expect(run.written.join("")).toContain("interrupted again: offboardingFinalBackup may still be set; run `pulumi config rm offboardingFinalBackup --stack globex`");
    });

    it("GIVEN the guard stopped (the record removed by the normal path) WHEN Ctrl-C THEN it does nothing", () => {
        let removed = 0;
        const run = guarded(async () => {
            removed += 1;
            return "";
        });
        run.stop();
        run.signals.emit("SIGINT", "SIGINT");
        expect(removed).toBe(0);
        expect(run.signals.listenerCount("SIGINT") + run.signals.listenerCount("SIGTERM")).toBe(0);
    });
});
