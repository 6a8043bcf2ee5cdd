import { ResourceRule } from "../types";
import { T } from "./shared";

export const enforceInstanceImdsv2: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-imdsv2",
    description: 'Every EC2 instance requires IMDSv2: metadataOptions.httpTokens is "required" (or the metadata service is disabled).',
    why: "IMDSv1 answers any GET, so a server-side request forgery in the application would hand out the instance role's credentials; IMDSv2's session token stops that.",
    enforcement: "mandatory",
    resourceTypes: [T.instance],
    validate(instance) {
        const options = (instance.props.metadataOptions ?? {}) as Record<string, unknown>;
        if (options.httpEndpoint === "disabled" || options.httpTokens === "required") {
            return [];
        }
        return options.httpTokens === undefined
            ? ['metadataOptions.httpTokens is not set (AWS then accepts IMDSv1 unless the AMI says otherwise); expected "required"']
            : [`metadataOptions.httpTokens is ${JSON.stringify(options.httpTokens)}; expected "required"`];
    },
};
