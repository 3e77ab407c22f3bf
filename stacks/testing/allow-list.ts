// Policy data of the wiring test: where least privilege accepts a `*` resource or a managed policy, and why.
import type { LeastPrivilegeAllowList } from "./assert-iam";

/**
 * Where the least-privilege check accepts a `*` resource or a managed policy. Nothing else may have either, and no
 * statement may have a wildcard action.
 */
export const ALLOW_LIST: LeastPrivilegeAllowList = {
  wildcardResources: [
    {
      actions: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
      conditionKey: "redshift-data:statement-owner-iam-userid",
      why:
        "The Redshift Data API's statement operations support no resource-level permissions (AWS Service " +
        "Authorization Reference); the condition limits them to statements the caller itself ran.",
    },
  ],
  managedPolicies: [
    {
      arn: "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
      why:
        "What a Glue job needs from AWS itself (its CloudWatch logs and metrics, network interfaces, aws-glue-* " +
        "buckets); AWS maintains it. The job's access to this app's data is a separate, prefix-scoped RolePolicy.",
    },
  ],
};
