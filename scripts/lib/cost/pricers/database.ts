// RDS: a database instance's hours and storage, Multi-AZ doubling both.

import { count, line, Pricer, text, unknownLine } from "./pricer";

export const DATABASE_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:rds/instance:Instance": (inputs, context) => {
        const engine = text(inputs.engine);
        const instanceClass = text(inputs.instanceClass);
        const storage = count(inputs.allocatedStorage);
        const storageType = text(inputs.storageType) ?? (inputs.iops !== undefined ? "io1" : "gp2");
        const multiAz = inputs.multiAz === true;
        const factor = multiAz ? context.rate("rds.multiAzFactor") : { usd: 1 };
        const deployment = multiAz ? "Multi-AZ" : "single-AZ";
        if (engine === undefined || instanceClass === undefined) {
            return [unknownLine("database instance", "engine or instanceClass is not known at plan time")];
        }
        const instance = `${engine} ${instanceClass} ${deployment} × ${context.hours} h`;
        const volume = `${storage ?? "?"} GiB ${storageType} ${deployment}`;
        if (factor.reason !== undefined) {
            return [unknownLine(instance, factor.reason), unknownLine(volume, factor.reason)];
        }
        const lines = [
            line(instance, [[context.rate(`rds.${engine}.hour`, instanceClass), context.hours * factor.usd]]),
            storage === undefined
                ? unknownLine(volume, "allocatedStorage is not known at plan time")
                : line(volume, [[context.rate("rds.storage.gb.month", storageType), storage * factor.usd]]),
        ];
        if (inputs.iops !== undefined || inputs.storageThroughput !== undefined) {
            lines.push(unknownLine("provisioned IOPS / throughput", "provisioned RDS IOPS and throughput are not in the price table"));
        }
        return lines;
    },
};
