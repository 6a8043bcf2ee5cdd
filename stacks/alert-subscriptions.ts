// The people an operations topic pages: the platform's `alertEmails`, one email subscription each.
// One helper for every topic that warns operations (the platform's, the platform recovery's, a
// tenant recovery's), so that they page the same people the same way.

import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import * as aws from "../components/aws";

/**
 * Subscribes each address to the topic. Named `<name>-alert-<hash of the address>`, so reordering
 * the list replaces nothing. Pending until the address confirms AWS's mail (and then kept by AWS
 * even if removed here before that: the provider cannot unsubscribe an unconfirmed address).
 */
export function alertSubscriptions(name: string, topicArn: pulumi.Input<string>, addresses: readonly string[], opts: pulumi.CustomResourceOptions): aws.sns.TopicSubscription[] {
    return addresses.map(
        (address) =>
            new aws.sns.TopicSubscription(
                `${name}-alert-${createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 8)}`,
                { topic: topicArn, protocol: "email", endpoint: address },
                opts,
            ),
    );
}
