import { ResourceRule } from "../types";
import { customerManagedKeyProblem } from "./encryption";

export const enforceSnsTopicEncryption: ResourceRule = {
    kind: "resource",
    name: "sns-topic-encrypted-cmk",
    description: "An SNS topic encrypts its messages at rest with a customer-managed KMS key (`kmsMasterKeyId`).",
    why: "Alarm and backup notifications name tenants, hosts and failures; encrypted with our own key, only the services the key policy admits (CloudWatch, AWS Backup) can publish and read them.",
    enforcement: "mandatory",
    resourceTypes: ["aws:sns/topic:Topic"],
    validate: (topic) => {
        const problem = customerManagedKeyProblem("kmsMasterKeyId", topic.props.kmsMasterKeyId, "SNS stores the topic's messages unencrypted");
        return problem === undefined ? [] : [problem];
    },
};
