// The operations rules: backups, audit, isolation and tags.

import { Rule } from "../types";
import { enforceEvidenceLogRetention } from "./enforceEvidenceLogRetention";
import { enforcePatchWindowWeekend } from "./enforcePatchWindowWeekend";
import { enforceInstancePatching } from "./enforceInstancePatching";
import { enforceAvailabilityCheckSchedule } from "./enforceAvailabilityCheckSchedule";
import { enableAvailabilityCheckAlarm } from "./enableAvailabilityCheckAlarm";
import { enforceAvailabilityCheckTarget } from "./enforceAvailabilityCheckTarget";
import { enforceTenantPasswordMinLength } from "./enforceTenantPasswordMinLength";
import { enforceRdsMaintenanceWeekend } from "./enforceRdsMaintenanceWeekend";
import { disallowDeprecatedCanaryRuntime } from "./disallowDeprecatedCanaryRuntime";
import { disallowDeprecatingCanaryRuntime } from "./disallowDeprecatingCanaryRuntime";
import { disallowOtherTenantMarkers } from "./disallowOtherTenantMarkers";
import { disallowStackTagOverride } from "./disallowStackTagOverride";
import { enableBackupVaultNotifications } from "./enableBackupVaultNotifications";
import { disallowTrailLoggingLogBuckets } from "./disallowTrailLoggingLogBuckets";
import { enableAuditBucketAccessLogging } from "./enableAuditBucketAccessLogging";
import { enableCloudTrailAudit } from "./enableCloudTrailAudit";
import { enableGuardDutyDetector } from "./enableGuardDutyDetector";
import { enforceBackupPromise } from "./enforceBackupPromise";
import { enforceBackupVaultLock } from "./enforceBackupVaultLock";
import { enforceLoadBalancerDeletionProtection } from "./enforceLoadBalancerDeletionProtection";
import { enforceInstancePinnedImage } from "./enforceInstancePinnedImage";
import { enforceProviderDefaultTags } from "./enforceProviderDefaultTags";
import { enforceRdsBackupRetention } from "./enforceRdsBackupRetention";
import { enforceRdsDeletionProtection } from "./enforceRdsDeletionProtection";
import { enforceRestoreTesting } from "./enforceRestoreTesting";
import { missingBackupSelection } from "./missingBackupSelection";
import { missingControlsReport } from "./missingControlsReport";
import { missingInventoryAndPatchScan } from "./missingInventoryAndPatchScan";
import { missingRecoveryEnvironment } from "./missingRecoveryEnvironment";
import { missingVpcFlowLog } from "./missingVpcFlowLog";

export const OPERATIONS_RULES: readonly Rule[] = [
    enforceBackupPromise,
    missingBackupSelection,
    enforceBackupVaultLock,
    enableBackupVaultNotifications,
    enforceRdsBackupRetention,
    enforceRdsDeletionProtection,
    enforceLoadBalancerDeletionProtection,
    enableCloudTrailAudit,
    enableAuditBucketAccessLogging,
    disallowTrailLoggingLogBuckets,
    enableGuardDutyDetector,
    missingVpcFlowLog,
    disallowOtherTenantMarkers,
    enforceProviderDefaultTags,
    disallowStackTagOverride,
    disallowDeprecatedCanaryRuntime,
    disallowDeprecatingCanaryRuntime,
    enforceInstancePinnedImage,
    missingRecoveryEnvironment,
    enforceRestoreTesting,
    enforcePatchWindowWeekend,
    enforceInstancePatching,
    enforceAvailabilityCheckSchedule,
    enableAvailabilityCheckAlarm,
    enforceAvailabilityCheckTarget,
    enforceTenantPasswordMinLength,
    enforceRdsMaintenanceWeekend,
    enforceEvidenceLogRetention,
    missingInventoryAndPatchScan,
    missingControlsReport,
];
