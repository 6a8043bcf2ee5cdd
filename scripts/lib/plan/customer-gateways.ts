// Site-to-site VPN customer gateways over every planned stack: EC2 does not create a second customer
// gateway of the same VPN type, IP address and BGP ASN in an account and region ("To create more than
// one customer gateway with the same VPN type, IP address, and BGP ASN, specify a unique device name
// for each customer gateway. An identical request returns information about the existing customer
// gateway; it doesn't create a new customer gateway": EC2 API Reference, CreateCustomerGateway;
// botocore ec2 model). Two stacks then hold one gateway: each tags it as its own, and destroying
// either (an offboarding, a replacement) deletes the gateway the other's VPN connection still uses,
// which EC2 refuses ("You must delete the VPN connection before you can delete the customer
// gateway": DeleteCustomerGateway). No single stack sees it: two tenants of one customer (production
// and test) may share the customer's VPN device, and a recovery environment shares its region with
// the tenants and platforms there. Pure: stacks in, problems out.

import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

const CUSTOMER_GATEWAY = "aws:ec2/customerGateway:CustomerGateway";
const SOURCE =
    "EC2 API Reference, CreateCustomerGateway (an identical request, same VPN type, IP address and BGP ASN without a unique device name, returns the existing gateway) and DeleteCustomerGateway (its VPN connections must be deleted first); botocore ec2 model";

/** A planned stack, as far as the check reads it (a `TenantPlan` fits). */
export interface CustomerGatewayStack {
    readonly tenant: string;
    readonly region?: string;
    readonly source: string;
    readonly resources: readonly PlannedResource[];
}

/** What makes two CreateCustomerGateway requests identical: the VPN type, the IP address, the BGP ASN and the device name. */
function identity(inputs: Record<string, unknown>): string | undefined {
    const address = inputs.ipAddress;
    if (typeof address !== "string") {
        return undefined;
    }
    return [inputs.type, address, inputs.bgpAsn ?? inputs.bgpAsnExtended, inputs.deviceName ?? ""].map((part) => String(part)).join("\u0000");
}

/** Every customer gateway EC2 would not create: a second of one type, address, ASN and device name in a region. */
export function customerGatewayProblems(stacks: readonly CustomerGatewayStack[]): Problem[] {
    const problems: Problem[] = [];
    const first = new Map<string, { stack: CustomerGatewayStack; gateway: PlannedResource }>();
    for (const stack of stacks) {
        if (stack.region === undefined) {
            continue;
        }
        for (const gateway of stack.resources.filter((resource) => resource.type === CUSTOMER_GATEWAY)) {
            const id = identity(gateway.inputs);
            if (id === undefined) {
                continue;
            }
            const key = `${stack.region}\u0000${id}`;
            const earlier = first.get(key);
            if (earlier === undefined) {
                first.set(key, { stack, gateway });
                continue;
            }
            const where = earlier.stack === stack ? `${earlier.gateway.name} of the same stack` : `${earlier.stack.tenant}'s ${earlier.gateway.name}`;
            const asn = String(gateway.inputs.bgpAsn ?? gateway.inputs.bgpAsnExtended);
            problems.push({
                file: stack.source,
                line: 1,
                column: 1,
                path: "/",
                message:
                    `${stack.tenant}: ${CUSTOMER_GATEWAY} "${gateway.name}" asks for ${String(gateway.inputs.ipAddress)} (BGP ASN ${asn}, ${String(gateway.inputs.type)}) in ${stack.region} like ${where}: ` +
                    `EC2 returns that existing gateway instead of creating another, so both stacks would hold one gateway and destroying either fails while the other's VPN connection uses it; ` +
                    `give the two a different customer device address or BGP ASN (source: ${SOURCE})`,
            });
        }
    }
    return problems;
}
