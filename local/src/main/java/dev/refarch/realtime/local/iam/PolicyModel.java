package dev.refarch.realtime.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.local.LocalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The IAM policies the synthesized templates give each local caller, read from the policy export
 * ({@value #RESOURCE} on the classpath, written at build time from the real CDK app) and bound to
 * the local run's names: every placeholder {@code ${<resource key>.<attribute>}} is replaced by the
 * value the binding gives ({@code api/ReviewsTable/Resource.Arn} to the local table's ARN), and the
 * pseudo parameters by partition {@code aws}, the run's region and account, URL suffix
 * {@code amazonaws.com}. A string with a placeholder the binding does not know stays as written and
 * never grants anything (see {@link PolicyEvaluator}); {@link #unboundPlaceholders(String)} lists
 * them so a test can insist there are none.
 *
 * <p>Immutable: {@link #bind} and {@link #withoutStatement} return new models.
 */
public final class PolicyModel {

    /** Where the local module's build puts the export. */
    public static final String RESOURCE = "/local/iam-policies.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A policy attached to a role, with its statements as exported (placeholders unsubstituted). */
    private record Policy(String name, List<Statement> statements) {
    }

    /** A role: its policies and the ARNs of the AWS managed policies it attaches. */
    private record Role(List<Policy> policies, List<String> managedPolicyArns) {
    }

    /** An entry of the export's {@code resources}: a resource policy and, for a secret, its KMS key. */
    private record Resource(String type, List<Statement> policy, Optional<String> kmsKeyId) {
    }

    /**
     * A resource's own policy, bound.
     *
     * @param key        the resource key ({@code streaming/MskKey/Resource})
     * @param type       its CloudFormation type ({@code AWS::KMS::Key}, {@code AWS::S3::Bucket}, ...)
     * @param arn        its local ARN, from the binding
     * @param statements its statements
     */
    public record ResourcePolicy(String key, String type, String arn, List<Statement> statements) {
    }

    private final Map<String, String> principals;
    private final Map<String, Role> roles;
    private final Map<String, Resource> resources;
    private final Map<String, String> values;
    private final Map<String, List<Statement>> boundByRole = new HashMap<>();
    private final Map<String, ResourcePolicy> policiesByArn = new HashMap<>();
    private final Map<String, Set<String>> unboundResourcePlaceholders = new TreeMap<>();

    private PolicyModel(Map<String, String> principals, Map<String, Role> roles, Map<String, Resource> resources,
                        Map<String, String> values) {
        this.principals = Collections.unmodifiableMap(principals);
        this.roles = Collections.unmodifiableMap(roles);
        this.resources = Collections.unmodifiableMap(resources);
        this.values = Map.copyOf(values);
        Function<String, String> lookup = this.values::get;
        roles.forEach((key, role) -> boundByRole.put(key, role.policies().stream()
                .flatMap(p -> p.statements().stream()).map(s -> s.substitute(lookup)).toList()));
        resources.forEach((key, resource) -> {
            Optional<String> arn = arnOf(key);
            List<Statement> statements = resource.policy().stream().map(s -> s.substitute(lookup)).toList();
            Set<String> missing = new LinkedHashSet<>();
            statements.forEach(s -> missing.addAll(s.unbound()));
            if (arn.isEmpty()) {
                missing.add("${" + key + ".Arn}");
            }
            resource.kmsKeyId().ifPresent(k -> Statement.substitute(k, lookup, missing));
            if (!missing.isEmpty()) {
                unboundResourcePlaceholders.put(key, missing);
            }
            arn.ifPresent(a -> policiesByArn.put(a, new ResourcePolicy(key, resource.type(), a, statements)));
        });
    }

    /** Reads the export from the classpath ({@value #RESOURCE}); unbound. */
    public static PolicyModel fromClasspath() {
        try (InputStream in = PolicyModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: the local module's build "
                        + "writes it (PolicyExport at generate-resources); build with `-pl local -am`");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Reads an export in the format of the design's Part A; unbound (every placeholder unresolved). */
    public static PolicyModel read(InputStream json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the policy export is not a JSON object");
        }
        Map<String, String> principals = new LinkedHashMap<>();
        root.path("principals").properties().forEach(e -> principals.put(e.getKey(), e.getValue().asText()));
        Map<String, Role> roles = new LinkedHashMap<>();
        root.path("roles").properties().forEach(e -> {
            List<Policy> policies = new ArrayList<>();
            e.getValue().path("policies").forEach(p -> {
                List<Statement> statements = new ArrayList<>();
                p.path("statements").forEach(s -> statements.add(Statement.parse(s)));
                policies.add(new Policy(p.path("name").asText(), List.copyOf(statements)));
            });
            List<String> managed = new ArrayList<>();
            e.getValue().path("managedPolicyArns").forEach(a -> managed.add(a.asText()));
            roles.put(e.getKey(), new Role(List.copyOf(policies), List.copyOf(managed)));
        });
        for (Map.Entry<String, String> p : principals.entrySet()) {
            if (!roles.containsKey(p.getValue())) {
                throw new IllegalArgumentException("principal " + p.getKey() + " names role " + p.getValue()
                        + ", which the export does not list");
            }
        }
        Map<String, Resource> resources = new LinkedHashMap<>();
        root.path("resources").properties().forEach(e -> {
            List<Statement> statements = new ArrayList<>();
            e.getValue().path("policy").forEach(s -> statements.add(Statement.parse(s)));
            JsonNode kms = e.getValue().get("kmsKeyId");
            resources.put(e.getKey(), new Resource(e.getValue().path("type").asText(), List.copyOf(statements),
                    kms == null || kms.isNull() ? Optional.empty() : Optional.of(kms.asText())));
        });
        return new PolicyModel(principals, roles, resources, Map.of());
    }

    /** Bound to {@code binding} in the run's region and account ({@link LocalSettings#REGION}, {@link LocalSettings#ACCOUNT}). */
    public PolicyModel bind(Map<String, String> binding) {
        return bind(binding, LocalSettings.REGION, LocalSettings.ACCOUNT);
    }

    /**
     * This export with its placeholders substituted: {@code binding} maps {@code <resource key>.<attribute>}
     * (as the placeholders name them, e.g. {@code api/ReviewsTable/Resource.Arn}) to local values; the
     * pseudo parameters come from {@code region} and {@code account}. Replaces any earlier binding.
     */
    public PolicyModel bind(Map<String, String> binding, String region, String account) {
        Map<String, String> all = new HashMap<>(binding);
        all.put("AWS::Partition", "aws");
        all.put("AWS::Region", region);
        all.put("AWS::AccountId", account);
        all.put("AWS::URLSuffix", "amazonaws.com");
        return new PolicyModel(principals, roles, resources, all);
    }

    /** The export's principals ({@code function:<handler>}, {@code dataSource:<name>}). */
    public Set<String> principals() {
        return principals.keySet();
    }

    /** The role key of a principal. */
    public Optional<String> roleKey(String principal) {
        return Optional.ofNullable(principals.get(principal));
    }

    /** Every statement of every policy attached to the principal's role, bound. */
    public List<Statement> identityStatements(String principal) {
        String role = principals.get(principal);
        return role == null ? List.of() : boundByRole.getOrDefault(role, List.of());
    }

    /**
     * The AWS managed policies the principal's role attaches (e.g. {@code AWSLambdaBasicExecutionRole}).
     * Their documents are not in the templates, so they grant nothing locally.
     */
    public List<String> managedPolicyArns(String principal) {
        String role = principals.get(principal);
        if (role == null) {
            return List.of();
        }
        Set<String> ignored = new LinkedHashSet<>();
        return roles.get(role).managedPolicyArns().stream()
                .map(a -> Statement.substitute(a, values::get, ignored)).toList();
    }

    /** The policy of the resource with this local ARN (a key policy, bucket, queue or secret policy). */
    public Optional<ResourcePolicy> resourcePolicy(String arn) {
        return Optional.ofNullable(policiesByArn.get(arn));
    }

    /**
     * The KMS key a secret is encrypted with, by the secret's local ARN: the key's ARN when the
     * export's {@code kmsKeyId} resolves to a key of the export (by its ARN or its key id), the text
     * as resolved otherwise (so an unbound one names no key and nothing can decrypt with it).
     * Empty for a secret with the AWS managed key.
     */
    public Optional<String> kmsKeyOf(String secretArn) {
        for (Map.Entry<String, Resource> e : resources.entrySet()) {
            if (!arnOf(e.getKey()).map(secretArn::equals).orElse(false) || e.getValue().kmsKeyId().isEmpty()) {
                continue;
            }
            String keyId = Statement.substitute(e.getValue().kmsKeyId().get(), values::get, new LinkedHashSet<>());
            for (String key : resources.keySet()) {
                if (keyId.equals(values.get(key + ".Ref")) || keyId.equals(values.get(key + ".KeyId"))) {
                    return arnOf(key).or(() -> Optional.of(keyId));
                }
            }
            return Optional.of(keyId);
        }
        return Optional.empty();
    }

    /** The placeholders a principal's statements name that the binding does not resolve. */
    public List<String> unboundPlaceholders(String principal) {
        Set<String> missing = new LinkedHashSet<>();
        identityStatements(principal).forEach(s -> missing.addAll(s.unbound()));
        return List.copyOf(missing);
    }

    /**
     * Per resource key, the placeholders its policy or KMS key id names that the binding does not
     * resolve, and {@code ${<key>.Arn}} when the binding gives the resource no ARN (then its policy
     * applies to nothing).
     */
    public Map<String, List<String>> unboundResourcePlaceholders() {
        Map<String, List<String>> out = new TreeMap<>();
        unboundResourcePlaceholders.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Every statement id of the principal's role, in export order. */
    public List<String> statementIds(String principal) {
        return identityStatements(principal).stream().map(Statement::id).toList();
    }

    /** This model without the statement of that id (wherever it is), for tests that take one grant away. */
    public PolicyModel withoutStatement(String statementId) {
        return without(statementId, null);
    }

    /**
     * This model with one action taken out of the statement of that id (the statement goes when it was its
     * last action), for tests that take one permission away, such as a data source role's {@code GetItem}.
     */
    public PolicyModel withoutAction(String statementId, String action) {
        return without(statementId, Objects.requireNonNull(action, "action"));
    }

    /**
     * {@code STATEMENT_ID} or {@code STATEMENT_ID:ACTION} (e.g. {@code api/Api/TicksTableRole/Resource#Resolvers#0:dynamodb:GetItem}):
     * the local run's {@code --iam-drop} test hook.
     */
    public PolicyModel withoutGrant(String grant) {
        int service = grant.lastIndexOf(':', grant.lastIndexOf(':') - 1);
        boolean action = service > grant.lastIndexOf('#');
        return action ? withoutAction(grant.substring(0, service), grant.substring(service + 1)) : withoutStatement(grant);
    }

    private PolicyModel without(String statementId, String action) {
        boolean[] found = {false};
        Function<List<Statement>, List<Statement>> drop = list -> list.stream().flatMap(s -> {
            if (!s.id().equals(statementId)) {
                return Stream.of(s);
            }
            if (action == null) {
                found[0] = true;
                return Stream.empty();
            }
            found[0] |= s.actions().stream().anyMatch(a -> a.equalsIgnoreCase(action));
            Statement fewer = s.withoutAction(action);
            return fewer == null ? Stream.empty() : Stream.of(fewer);
        }).toList();
        Map<String, Role> fewerRoles = new LinkedHashMap<>();
        roles.forEach((key, role) -> fewerRoles.put(key, new Role(role.policies().stream()
                .map(p -> new Policy(p.name(), drop.apply(p.statements()))).toList(), role.managedPolicyArns())));
        Map<String, Resource> fewerResources = new LinkedHashMap<>();
        resources.forEach((key, r) -> fewerResources.put(key, new Resource(r.type(), drop.apply(r.policy()),
                r.kmsKeyId())));
        if (!found[0]) {
            throw new IllegalArgumentException("no statement " + statementId + (action == null ? "" : " with " + action)
                    + " in the export");
        }
        return new PolicyModel(new LinkedHashMap<>(principals), fewerRoles, fewerResources, values);
    }

    /**
     * The value bound to the one {@code <key>.ApiId} placeholder the identity policies name (the
     * AppSync API's id in {@code appsync:GraphQL} resources), if exactly one is bound.
     */
    public Optional<String> appSyncApiId() {
        List<String> ids = values.entrySet().stream().filter(e -> e.getKey().endsWith(".ApiId"))
                .map(Map.Entry::getValue).distinct().toList();
        return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
    }

    /** A resource's local ARN: its bound {@code Arn}, else its {@code Ref} when that is an ARN (a secret). */
    private Optional<String> arnOf(String key) {
        String arn = values.get(key + ".Arn");
        if (arn == null) {
            String ref = values.get(key + ".Ref");
            arn = ref != null && ref.startsWith("arn:") ? ref : null;
        }
        return Optional.ofNullable(arn);
    }
}
