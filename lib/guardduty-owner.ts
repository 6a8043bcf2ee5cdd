// Who owns the one GuardDuty detector of a region. AWS allows one detector per account and region
// (GuardDuty API Reference, CreateDetector: "The request is rejected because a detector already
// exists for the current account"; botocore guardduty model, CreateDetector), and GuardDuty is on in
// every region the platform uses, idle recovery environments included. So exactly one stack of the
// fleet creates it (or adopts the organisation's, a platform setting) and every other platform
// stack of that region adopts it by lookup:
// - a region with a production platform: that platform (`platform-<region>`);
// - else a region that is only some platforms' off-site region: the recovery environment of the
//   first of those platforms by region name (`platform-<first>-recovery`), which keeps the detector
//   while idle. Drill copies never own it: their teardown would delete the region's detector.
// The same owner holds the region's other singletons: the network-change alarms and AWS Config's one
// recorder and delivery channel (stacks/regional-controls.ts).

import { platformStackName, recoveryStackName } from "./platform";

/** A platform of the fleet, as far as the choice reads it. */
export interface PlatformRegions {
    readonly region: string;
    readonly offsiteRegion: string;
}

/** The stack that owns the GuardDuty detector of `region`, or undefined when no platform of the fleet uses the region. */
export function guardDutyOwnerOf(region: string, platforms: readonly PlatformRegions[]): string | undefined {
    if (platforms.some((platform) => platform.region === region)) {
        return platformStackName(region);
    }
    const recovered = platforms
        .filter((platform) => platform.offsiteRegion === region)
        .map((platform) => platform.region)
        .sort();
    return recovered.length === 0 ? undefined : recoveryStackName(platformStackName(recovered[0]!));
}
