// The security controls of the documentation (section 7: weekly, monthly): each present where it must be.

import { Rule } from "../types";
import { enableConfigRecorder } from "./enableConfigRecorder";
import { enableGuardDutyMalwareProtection } from "./enableGuardDutyMalwareProtection";
import { enableGuardDutyProtectionPlans } from "./enableGuardDutyProtectionPlans";
import { enforceNetworkChangeAlarms } from "./enforceNetworkChangeAlarms";

export const CONTROLS_RULES: readonly Rule[] = [enforceNetworkChangeAlarms, enableGuardDutyMalwareProtection, enableGuardDutyProtectionPlans, enableConfigRecorder];
