// Every priced resource type and how it turns its inputs into charges, one module per AWS service
// family.

import { COMPUTE_PRICERS } from "./compute";
import { DATABASE_PRICERS } from "./database";
import { MANAGEMENT_PRICERS } from "./management";
import { NETWORK_PRICERS } from "./network";
import { Pricer } from "./pricer";
import { SECURITY_PRICERS } from "./security";
import { STORAGE_PRICERS } from "./storage";

/** How each priced type turns its inputs into charges. */
export const PRICERS: Readonly<Record<string, Pricer>> = {
    ...COMPUTE_PRICERS,
    ...DATABASE_PRICERS,
    ...NETWORK_PRICERS,
    ...SECURITY_PRICERS,
    ...MANAGEMENT_PRICERS,
    ...STORAGE_PRICERS,
};

/** The resource types the estimate prices (the rest are free or unknown). */
export const PRICED_TYPES: readonly string[] = Object.keys(PRICERS).sort();

