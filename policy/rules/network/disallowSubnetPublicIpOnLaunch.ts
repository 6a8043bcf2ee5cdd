import { ResourceRule } from "../types";
import { T } from "./shared";

export const disallowSubnetPublicIpOnLaunch: ResourceRule = {
    kind: "resource",
    name: "ec2-subnet-no-public-ip-on-launch",
    description: "No subnet maps public IPv4 addresses on launch (mapPublicIpOnLaunch is not true; AWS's default for a new subnet is false).",
    why: "An instance launched into such a subnet gets a public address without asking for one, bypassing the load balancer and the admin network that are the only ways in.",
    enforcement: "mandatory",
    resourceTypes: [T.subnet],
    validate(subnet) {
        return subnet.props.mapPublicIpOnLaunch === true ? ["mapPublicIpOnLaunch is true; expected false"] : [];
    },
};
