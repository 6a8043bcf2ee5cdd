// EC2 and EBS: instances with their volumes and detailed monitoring, volumes, Dedicated Hosts.

import { Rate } from "../price-table";
import { Context, count, hourly, Line, line, list, monthly, Pricer, record, text, unknownLine } from "./pricer";

const GP3_INCLUDED_IOPS = 3000;
const GP3_INCLUDED_THROUGHPUT = 125;
const IO2_FIRST_TIER_IOPS = 32000;

/** An EBS volume's month: GiB at its type's price, plus the IOPS and throughput its type bills. */
function volumeLine(context: Context, label: string, size: number | undefined, type: string, iops: number | undefined, throughput: number | undefined): Line {
    if (size === undefined) {
        return unknownLine(`${label} (${type})`, `${label}: size is not known at plan time (it comes from a snapshot or the AMI)`);
    }
    const what = `${label} ${size} GiB ${type}${iops !== undefined ? `, ${iops} IOPS` : ""}${throughput !== undefined ? `, ${throughput} MB/s` : ""}`;
    const terms: (readonly [Rate, number])[] = [[context.rate("ebs.gb.month", type), size]];
    if (type === "gp3") {
        const extraIops = Math.max(0, (iops ?? GP3_INCLUDED_IOPS) - GP3_INCLUDED_IOPS);
        const extraThroughput = Math.max(0, (throughput ?? GP3_INCLUDED_THROUGHPUT) - GP3_INCLUDED_THROUGHPUT);
        if (extraIops > 0) {
            terms.push([context.rate("ebs.gp3.iops.month"), extraIops]);
        }
        if (extraThroughput > 0) {
            terms.push([context.rate("ebs.gp3.throughput.month"), extraThroughput]);
        }
    }
    if (type === "io2") {
        if (iops === undefined || iops > IO2_FIRST_TIER_IOPS) {
            return unknownLine(what, `io2 IOPS ${iops ?? "(not set)"}: the table prices io2 IOPS up to ${IO2_FIRST_TIER_IOPS} only`);
        }
        terms.push([context.rate("ebs.io2.iops.month"), iops]);
    }
    return line(what, terms);
}

export const COMPUTE_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:ec2/instance:Instance": (inputs, context) => {
        const type = text(inputs.instanceType);
        const tenancy = text(inputs.tenancy) ?? "default";
        const lines: Line[] = [];
        if (tenancy === "host" || inputs.hostId !== undefined) {
            lines.push({ what: `${type ?? "instance"} on a Dedicated Host (billed by the host)`, monthlyUsd: 0 });
        } else if (tenancy !== "default") {
            lines.push(unknownLine(`${type ?? "instance"} (tenancy ${tenancy})`, `tenancy ${tenancy}: only shared-tenancy and Dedicated Host instances are priced`));
        } else if (type === undefined) {
            lines.push(unknownLine("instance", "instanceType is not known at plan time"));
        } else {
            lines.push(hourly(context, type, "ec2.instance.hour", type));
        }
        const root = record(inputs.rootBlockDevice);
        lines.push(volumeLine(context, "root volume", count(root?.volumeSize), text(root?.volumeType) ?? "gp2", count(root?.iops), count(root?.throughput)));
        for (const device of list(inputs.ebsBlockDevices) ?? []) {
            const volume = record(device);
            lines.push(volumeLine(context, `volume ${text(volume?.deviceName) ?? ""}`.trim(), count(volume?.volumeSize), text(volume?.volumeType) ?? "gp2", count(volume?.iops), count(volume?.throughput)));
        }
        if (inputs.monitoring === true) {
            const metrics = context.assumptions.detailedMonitoringMetricsPerInstance;
            lines.push(monthly(context, `detailed monitoring (${metrics} metrics)`, "cloudwatch.metric.month", metrics));
        }
        return lines;
    },
    "aws:ebs/volume:Volume": (inputs, context) => [
        volumeLine(context, "volume", count(inputs.size), text(inputs.type) ?? "gp2", count(inputs.iops), count(inputs.throughput)),
    ],
    "aws:ec2/dedicatedHost:DedicatedHost": (inputs, context) => {
        const family = text(inputs.instanceFamily) ?? text(inputs.instanceType)?.split(".")[0];
        return family === undefined
            ? [unknownLine("dedicated host", "instanceFamily/instanceType is not known at plan time")]
            : [hourly(context, `${family} dedicated host`, "ec2.dedicatedHost.hour", family)];
    },
};
