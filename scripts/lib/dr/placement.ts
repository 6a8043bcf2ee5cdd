// A restored database server onto the environment's Dedicated Host (physical). AWS Backup's EC2
// restore takes a `Placement` metadata key (the JSON of EC2's Placement, as
// GetRecoveryPointRestoreMetadata returns it), but AWS's own pages (restoring-ec2.html, the console's
// "Tenancy" setting; restore-testing-inferred-metadata.html, `placement`) give no example of its
// value with Tenancy `host` and a HostId, so dr does not bet an incident's restore on it. It places
// the server after the restore with the documented EC2 calls instead: StopInstances,
// ModifyInstancePlacement (HostId, Tenancy host, Affinity host; botocore ec2 model: the instance
// must be stopped, the host in its zone and of its instance family), StartInstances.
//
// Idempotent and resumable without saved state: each pass reads the instance and takes the one
// call its state needs, so a rerun after any failure continues where AWS is.

import type { DrContext } from "./context";

/** The instance id of the EC2 instance a restore job created (its CreatedResourceArn), undefined for anything else. */
export function restoredServerId(createdArn: string | undefined): string | undefined {
    return /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/(i-[0-9a-f]{8,17})$/.exec(createdArn ?? "")?.[1];
}

export interface PlaceOnHost {
    readonly region: string;
    readonly instanceId: string;
    readonly hostId: string;
    /** The host's zone (the restore target's): the restored server's subnet must be in it. */
    readonly availabilityZone: string;
}

/** Runs until the instance runs on the host; returns what it did (for the step's detail). */
export async function placeOnHost(ctx: DrContext, place: PlaceOnHost): Promise<{ hostId: string; moved: boolean }> {
    const { region, instanceId, hostId } = place;
    let moved = false;
    for (;;) {
        const instance = await ctx.aws.ec2Instance(region, instanceId);
        if (instance === undefined) {
            throw new Error(`the restored database server ${instanceId} is not in ${region} (terminated?): check the restore job in AWS Backup, then resume`);
        }
        if (instance.availabilityZone !== undefined && instance.availabilityZone !== place.availabilityZone) {
            throw new Error(
                `the restored database server ${instanceId} is in ${instance.availabilityZone}, the Dedicated Host ${hostId} in ${place.availabilityZone}: a host takes only instances of its own zone; the restore target's subnet must be in the host's zone (check the recovery stack's restoreTarget)`,
            );
        }
        const onHost = instance.tenancy === "host" && instance.hostId === hostId;
        if (onHost && instance.state === "running") {
            ctx.log.info({ event: "placed-on-host", instance: instanceId, host: hostId }, `the restored database server ${instanceId} runs on the Dedicated Host ${hostId}`);
            return { hostId, moved };
        }
        if (instance.state === "stopped") {
            if (onHost) {
                await ctx.aws.startInstance(region, instanceId);
            } else {
                ctx.log.info({ event: "place-on-host", instance: instanceId, host: hostId }, `placing the restored database server ${instanceId} on the Dedicated Host ${hostId}`);
                await ctx.aws.placeOnHost(region, instanceId, hostId);
                moved = true;
            }
            continue;
        }
        if (instance.state === "running" && !onHost) {
            await ctx.aws.stopInstance(region, instanceId);
        }
        // pending, stopping, or just asked: wait for the next state.
        await ctx.sleep(ctx.pollMs);
    }
}
