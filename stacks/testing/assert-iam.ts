// Least privilege over every IAM statement the app grants (function permissions, what links imply, Linkables,
// role and topic policies) and every managed policy it attaches.
import { check, iamStatements, isRecord, managedPolicies, record, type Statement, WiringError } from "./graph";
import type { Graph } from "./sst-globals";

/** Actions AWS only grants on `*`, with the condition that must narrow them and why they are allowed. */
export interface WildcardResourceAllowance {
  readonly actions: readonly string[];
  /** A condition key every such statement must carry. */
  readonly conditionKey: string;
  readonly why: string;
}

export interface ManagedPolicyAllowance {
  readonly arn: string;
  readonly why: string;
}

export interface LeastPrivilegeAllowList {
  readonly wildcardResources: readonly WildcardResourceAllowance[];
  readonly managedPolicies: readonly ManagedPolicyAllowance[];
}

/** Condition keys of an SST permission (`[{ test, variable, values }]`) or a policy document (`{ Op: { key: v } }`). */
function conditionKeys(conditions: unknown): string[] {
  if (Array.isArray(conditions)) return conditions.map((c) => String(record(c).variable));
  if (!isRecord(conditions)) return [];
  return Object.values(conditions).flatMap((byKey) => Object.keys(record(byKey)));
}

const DELETES_OBJECTS = /^s3:(\*|Delete\*|DeleteObject)/;

function violationsOf(statement: Statement, allowList: LeastPrivilegeAllowList): string[] {
  if (statement.effect === "Deny") return [];
  const where = `${statement.origin}: ${JSON.stringify(statement.actions)} on ${JSON.stringify(statement.resources)}`;
  const violations: string[] = [];
  for (const action of statement.actions) {
    if (action.includes("*")) violations.push(`wildcard action ${action} (${where})`);
  }
  for (const resource of statement.resources) {
    if (resource === "*") {
      const allowance = allowList.wildcardResources.find((a) =>
        statement.actions.every((action) => a.actions.includes(action)),
      );
      if (allowance === undefined) violations.push(`resource * (${where})`);
      else if (!conditionKeys(statement.conditions).includes(allowance.conditionKey)) {
        violations.push(`resource * without the ${allowance.conditionKey} condition (${where})`);
      }
    } else if (!resource.includes("{{")) {
      // Every resource must derive from something this app created; a literal ARN reaches outside it.
      violations.push(`resource ${resource} is not one of this app's (${where})`);
    }
    // raw/ is never deleted by the pipeline (DESIGN.md): no grant may cover it with a delete.
    const coversRaw = /\}\}\/(raw\/)?\*$/.test(resource) && resource.startsWith("{{Data.arn}}");
    if (coversRaw && statement.actions.some((a) => DELETES_OBJECTS.test(a))) {
      violations.push(`delete on raw/ (${where})`);
    }
  }
  return violations;
}

/**
 * No statement grants a wildcard action, a `*` resource (except the allow-list's, with their condition), or a
 * resource outside the app; nothing may delete under raw/; only allow-listed managed policies are attached.
 */
export function assertLeastPrivilege(graph: Graph, allowList: LeastPrivilegeAllowList): void {
  const statements = iamStatements(graph);
  check(statements.length > 0, "no IAM statements recorded: the graph is empty or the extraction broke");
  const violations = statements.flatMap((s) => violationsOf(s, allowList));
  for (const { origin, policyArn } of managedPolicies(graph)) {
    if (!allowList.managedPolicies.some((p) => p.arn === policyArn)) {
      violations.push(`managed policy ${policyArn} is not allow-listed (${origin})`);
    }
  }
  if (violations.length > 0) throw new WiringError(`least privilege:\n  ${violations.join("\n  ")}`);
}
