package dev.refarch.realtime.local.iam;

import dev.refarch.realtime.local.iam.Statement.Effect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides one call as IAM does for a role calling a resource in its own account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html):
 * an explicit Deny in the role's policies or in the resource's policy wins; otherwise the call is
 * allowed when an identity policy or a resource policy statement naming the role allows it. A KMS
 * key is the exception: only its key policy can let anyone use it, directly or through the
 * statement for the account that delegates to IAM policies
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 *
 * <p>Fails closed: a statement naming a placeholder the binding did not resolve, or a condition
 * operator or key the gateway does not know, never allows, and a Deny so afflicted applies.
 * Permissions boundaries, session policies, SCPs and grants do not exist in the templates and are
 * not modelled; AWS managed policies ({@link PolicyModel#managedPolicyArns}) grant nothing here.
 */
public final class PolicyEvaluator {

    private static final String KMS_KEY = "AWS::KMS::Key";

    private final PolicyModel model;

    /**
     * The decision on one call.
     *
     * @param allowed   whether the call may proceed
     * @param allowedBy the ids of the statements that allowed it (for usage accounting); empty when refused
     * @param because   AWS's words for a refusal ({@code because no identity-based policy allows the
     *                  dynamodb:PutItem action}, {@code with an explicit deny in a resource-based policy});
     *                  empty when allowed
     * @param detail    the local explanation: the denying statement, what failed closed
     */
    public record Decision(boolean allowed, List<String> allowedBy, String because, String detail) {
    }

    public PolicyEvaluator(PolicyModel model) {
        this.model = model;
    }

    /** The decision on {@code call} by {@code who}. */
    public Decision evaluate(LocalIdentity who, ServiceCalls.Call call) {
        Map<String, String> context = new HashMap<>();
        call.context().forEach((k, v) -> context.put(k.toLowerCase(Locale.ROOT), v));
        context.putIfAbsent("aws:principalarn", who.roleArn());
        context.putIfAbsent("aws:principalaccount", who.account());
        List<String> notes = new ArrayList<>();
        List<Statement> identity = model.identityStatements(who.principalKey());
        Optional<PolicyModel.ResourcePolicy> resourcePolicy = model.resourcePolicy(call.policyResource());
        List<Statement> onResource = resourcePolicy.map(PolicyModel.ResourcePolicy::statements).orElse(List.of());

        for (Statement s : identity) {
            if (s.effect() == Effect.DENY && applies(s, call, context, notes)) {
                return refused("with an explicit deny in an identity-based policy", "denied by " + s.id(), notes);
            }
        }
        for (Statement s : onResource) {
            if (s.effect() == Effect.DENY && principal(s, who) != Named.NOT && applies(s, call, context, notes)) {
                return refused("with an explicit deny in a resource-based policy", "denied by " + s.id(), notes);
            }
        }
        List<String> identityAllows = allowing(identity, call, context, notes);
        List<String> resourceAllows = allowing(onResource, Named.DIRECTLY, who, call, context, notes);
        boolean kmsKey = resourcePolicy.map(p -> p.type().equals(KMS_KEY)).orElse(false)
                || call.action().toLowerCase(Locale.ROOT).startsWith("kms:");
        if (!kmsKey) {
            List<String> by = new ArrayList<>(identityAllows);
            by.addAll(resourceAllows);
            return by.isEmpty()
                    ? refused("because no identity-based policy allows the " + call.action() + " action",
                            "no statement of " + who.principalKey() + " allows it", notes)
                    : new Decision(true, List.copyOf(by), "", String.join("; ", notes));
        }
        if (resourcePolicy.isEmpty()) {
            return refused("because no resource-based policy allows the " + call.action() + " action",
                    "no key policy for " + call.policyResource() + " in the export", notes);
        }
        List<String> delegating = allowing(onResource, Named.ACCOUNT, who, call, context, notes);
        List<String> by = new ArrayList<>(resourceAllows);
        if (!delegating.isEmpty() && !identityAllows.isEmpty()) {
            by.addAll(delegating);
            by.addAll(identityAllows);
        }
        if (!by.isEmpty()) {
            return new Decision(true, List.copyOf(by), "", String.join("; ", notes));
        }
        return delegating.isEmpty()
                ? refused("because no resource-based policy allows the " + call.action() + " action",
                        "the key policy of " + call.policyResource() + " neither names the role nor delegates to IAM",
                        notes)
                : refused("because no identity-based policy allows the " + call.action() + " action",
                        "the key policy delegates to IAM, and no statement of " + who.principalKey() + " allows it",
                        notes);
    }

    private enum Named { NOT, DIRECTLY, ACCOUNT }

    private static List<String> allowing(List<Statement> statements, Named named, LocalIdentity who,
                                         ServiceCalls.Call call, Map<String, String> context, List<String> notes) {
        List<String> ids = new ArrayList<>();
        for (Statement s : statements) {
            if (s.effect() == Effect.ALLOW && principal(s, who) == named && applies(s, call, context, notes)) {
                ids.add(s.id());
            }
        }
        return ids;
    }

    private static List<String> allowing(List<Statement> identity, ServiceCalls.Call call, Map<String, String> context,
                                         List<String> notes) {
        List<String> ids = new ArrayList<>();
        for (Statement s : identity) {
            if (s.effect() == Effect.ALLOW && applies(s, call, context, notes)) {
                ids.add(s.id());
            }
        }
        return ids;
    }

    /**
     * How a resource policy statement's {@code Principal} names the caller: directly ({@code *}, the
     * role, its session), as its account (which only delegates to the account's IAM policies), or not.
     */
    private static Named principal(Statement s, LocalIdentity who) {
        Named named = Named.NOT;
        for (String value : s.principals().getOrDefault("AWS", List.of())) {
            if (value.equals("*") || value.equals(who.roleArn()) || value.equals(who.assumedRoleArn())) {
                return Named.DIRECTLY;
            }
            if (value.equals(who.account()) || value.equals("arn:aws:iam::" + who.account() + ":root")) {
                named = Named.ACCOUNT;
            }
        }
        return named;
    }

    /**
     * Whether a statement covers the call. What cannot be decided (an unbound placeholder, an unknown
     * condition operator or key) makes an Allow not apply and a Deny apply, and is noted.
     */
    private static boolean applies(Statement s, ServiceCalls.Call call, Map<String, String> context,
                                   List<String> notes) {
        boolean action = s.actions().stream().anyMatch(p -> Wildcards.actionMatches(p, call.action())) != s.notAction();
        if (!action) {
            return false;
        }
        boolean deny = s.effect() == Effect.DENY;
        if (!s.unbound().isEmpty()) {
            notes.add(s.id() + " names unbound " + s.unbound() + (deny ? ", so it denies" : ", so it allows nothing"));
            return deny;
        }
        boolean resource = !s.resources().isEmpty()
                && s.resources().stream().anyMatch(p -> Wildcards.resourceMatches(p, call.resource())) != s.notResource();
        if (!resource) {
            return false;
        }
        Map<String, List<String>> multivalued = new HashMap<>();
        call.multivalued().forEach((k, v) -> multivalued.put(k.toLowerCase(Locale.ROOT), v));
        Conditions.Result conditions = Conditions.evaluate(s.conditions(), context, multivalued);
        if (conditions.unsupported().isPresent()) {
            notes.add(s.id() + " uses " + conditions.unsupported().get() + ", which the local IAM gateway does not "
                    + "evaluate" + (deny ? ", so it denies" : ", so it allows nothing"));
            return deny;
        }
        return conditions.holds();
    }

    private static Decision refused(String because, String detail, List<String> notes) {
        List<String> all = new ArrayList<>(notes);
        all.add(0, detail);
        return new Decision(false, List.of(), because, String.join("; ", all));
    }
}
