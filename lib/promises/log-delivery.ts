// What AWS's log delivery services require, shared by the components that set logging up and the
// policy rules that check it (data AWS owns, with its sources; no logic).

/**
 * The tag that marks a bucket as a log-delivery destination (an AccessLogBucket). The rule that
 * otherwise demands SSE-KMS admits SSE-S3 on such a bucket, and only where its policy lets nobody
 * but the log delivery services write: ALB access logs accept SSE-S3 only.
 */
export const ACCESS_LOG_BUCKET_TAG = { key: "role", value: "access-logs" } as const;

/**
 * Elastic Load Balancing's log-delivery accounts of the regions opened before August 2022, which
 * ELB's documentation says to name as the principal there. Source: "Enable access logs for your
 * Application Load Balancer", step 2, "Regions available before August 2022"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html);
 * the same table as terraform-provider-aws `internal/service/elb/service_account_data_source.go`
 * (commercial partition only). Every later region (me-central-1, eu-central-2, eu-south-2,
 * ap-south-2, ap-southeast-4 to -7, il-central-1, ca-west-1, mx-central-1, ap-east-2 ...) knows only
 * {@link ELB_LOG_DELIVERY_SERVICE}, which AWS now recommends in every region.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
};

/** ELB's log-delivery service principal (the regions from August 2022, and recommended in all). */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** S3 server access logging's service principal (a policy grant: owner-enforced buckets ignore ACLs). */
export const S3_LOG_DELIVERY_SERVICE = "logging.s3.amazonaws.com";

/**
 * WAF delivers logs only to a log group (or bucket, or stream) whose name starts with
 * `aws-waf-logs-` (AWS WAF developer guide, "Logging web ACL traffic": CloudWatch Logs destination).
 */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * Request headers a web firewall's logs never hold in clear: users' credentials (basic or bearer)
 * and session cookies. WAF's `SingleHeader` redaction takes the lower-case name and logs `REDACTED`.
 */
export const WAF_REDACTED_HEADERS = ["authorization", "cookie"] as const;
