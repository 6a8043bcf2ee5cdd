import { MockAttributes } from "./types";

/** Attributes AWS returns for the audit and intrusion-detection resources the program creates. */
export const auditAttributes: MockAttributes = {
    // Unnamed resources fall back to the mock id as their name, as AWS would report a generated one.
    "aws:cloudtrail/trail:Trail": ({ inputs, id, region, account }) => {
        const name = String(inputs.name ?? id);
        return { name, arn: `arn:aws:cloudtrail:${region}:${account}:trail/${name}`, homeRegion: region };
    },
    "aws:guardduty/detector:Detector": ({ inputs, id, region, account }) => ({
        accountId: account,
        arn: `arn:aws:guardduty:${region}:${account}:detector/${id}`,
        findingPublishingFrequency: inputs.findingPublishingFrequency ?? "SIX_HOURS",
    }),
    "aws:cloudwatch/eventRule:EventRule": ({ inputs, id, region, account }) => {
        const name = String(inputs.name ?? id);
        return { name, arn: `arn:aws:events:${region}:${account}:rule/${name}` };
    },
};
