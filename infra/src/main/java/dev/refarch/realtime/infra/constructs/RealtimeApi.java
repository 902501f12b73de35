package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.graphql.TableContract;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Expiration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.appsync.ApiKeyConfig;
import software.amazon.awscdk.services.appsync.AuthorizationConfig;
import software.amazon.awscdk.services.appsync.AuthorizationMode;
import software.amazon.awscdk.services.appsync.AuthorizationType;
import software.amazon.awscdk.services.appsync.CfnApiKey;
import software.amazon.awscdk.services.appsync.CfnDataSource;
import software.amazon.awscdk.services.appsync.CfnGraphQLApi;
import software.amazon.awscdk.services.appsync.CfnResolver;
import software.amazon.awscdk.services.appsync.DataSourceLevelMetricsBehavior;
import software.amazon.awscdk.services.appsync.Definition;
import software.amazon.awscdk.services.appsync.EnhancedMetricsConfig;
import software.amazon.awscdk.services.appsync.OperationLevelMetricsConfig;
import software.amazon.awscdk.services.appsync.ResolverLevelMetricsBehavior;
import software.amazon.awscdk.services.appsync.FieldLogLevel;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.appsync.SchemaFile;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The AppSync GraphQL API built from {@link ApiDefinition}: schema, data sources and VTL unit
 * resolvers exactly as the local simulator runs them. API key by default, IAM as an additional
 * mode; X-Ray on; AppSync's per-resolver metrics for {@link #MEASURED_MUTATIONS} alone; errors logged
 * to a log group this construct owns (retention by stage).
 * Each DynamoDB data source's role allows only the operations its templates perform, on its
 * table alone, plus the {@code GetItem} AppSync itself runs when a template's condition fails.
 * Templates that must name a table (BatchGetItem) read its real name from the
 * API's environment variable {@link ApiDefinition#tableVariable} ({@code $ctx.env.TABLE_TICKS}),
 * which this construct sets for every DynamoDB data source, as the local simulator does.
 */
public final class RealtimeApi extends Construct {

    private static final Pattern OPERATION = Pattern.compile("\"operation\"\\s*:\\s*\"(\\w+)\"");
    /** A request template's {@code "condition"} section (PutItem, UpdateItem, DeleteItem). */
    private static final Pattern CONDITION = Pattern.compile("\"condition\"\\s*:");
    /** The vote mutation, counted per minute on the dashboard. */
    public static final String VOTE_FIELD = "vote";
    /** The chat mutation, counted per minute on the dashboard. */
    public static final String CHAT_FIELD = "sendMessage";
    /**
     * The only resolvers with AppSync's enhanced (per-resolver) metrics: each one costs custom
     * metrics, so only the fields the dashboard graphs have them.
     */
    public static final List<String> MEASURED_MUTATIONS = List.of(VOTE_FIELD, CHAT_FIELD);

    private final GraphqlApi api;

    /**
     * @param name          the API's name
     * @param tables        the tables behind the logical names of {@link ApiDefinition.DataSource#table()}
     * @param apiKeyExpires when the API key expires
     * @param stage         decides log retention and removal
     * @param variables     a value for each of {@link ApiDefinition#settingVariables()} ({@link #variables})
     */
    public record Props(String name, Map<String, ITable> tables, Expiration apiKeyExpires, Stage stage,
                        Map<String, String> variables) {
        public Props {
            tables = Map.copyOf(tables);
            variables = Map.copyOf(variables);
        }
    }

    /**
     * The API's configuration variables ({@link ApiDefinition#settingVariables()}) from the app's
     * configuration; the local run gives the simulator the same.
     */
    public static Map<String, String> variables(AppConfig config) {
        return Map.of(TableContract.Reviews.VOTE_SHARDS_VARIABLE, Integer.toString(config.voteShards()));
    }

    public RealtimeApi(Construct scope, String id, Props props) {
        super(scope, id);
        ApiDefinition definition = ApiDefinition.load();
        requireMeasuredMutations(definition);

        Role logsRole = Role.Builder.create(this, "LogsRole")
                .assumedBy(new ServicePrincipal("appsync.amazonaws.com"))
                .description("Lets AppSync write the API's error logs to its log group")
                .build();

        api = GraphqlApi.Builder.create(this, "GraphqlApi")
                .name(props.name())
                .definition(Definition.fromSchema(SchemaFile.fromAsset(schemaFile(definition))))
                .authorizationConfig(AuthorizationConfig.builder()
                        .defaultAuthorization(AuthorizationMode.builder()
                                .authorizationType(AuthorizationType.API_KEY)
                                .apiKeyConfig(ApiKeyConfig.builder()
                                        .description("Public web clients: queries, votes, chat, subscriptions")
                                        .expires(props.apiKeyExpires())
                                        .build())
                                .build())
                        .additionalAuthorizationModes(List.of(AuthorizationMode.builder()
                                .authorizationType(AuthorizationType.IAM)
                                .build()))
                        .build())
                .xrayEnabled(true)
                // Per-resolver metrics only for the resolvers that opt in (MEASURED_MUTATIONS); no data
                // source or operation metrics: each would be more custom metrics nobody graphs.
                .enhancedMetricsConfig(EnhancedMetricsConfig.builder()
                        .resolverLevelMetricsBehavior(ResolverLevelMetricsBehavior.PER_RESOLVER_METRICS)
                        .dataSourceLevelMetricsBehavior(DataSourceLevelMetricsBehavior.PER_DATA_SOURCE_METRICS)
                        .operationLevelMetricsConfig(OperationLevelMetricsConfig.DISABLED)
                        .build())
                .environmentVariables(environment(definition, props))
                .build();

        // Logging is set on the L1: the L2's logConfig always adds a log-retention custom
        // resource (a Lambda with a managed policy and a wildcard). Instead this construct owns
        // the log group AppSync writes to, so retention and removal follow the stage, and AppSync
        // is not allowed to create it. Errors only, without request/response bodies: those carry
        // chat text and handles.
        CfnGraphQLApi cfnApi = (CfnGraphQLApi) api.getNode().getDefaultChild();
        cfnApi.setLogConfig(CfnGraphQLApi.LogConfigProperty.builder()
                .cloudWatchLogsRoleArn(logsRole.getRoleArn())
                .fieldLogLevel(FieldLogLevel.ERROR.name())
                .excludeVerboseContent(true)
                .build());
        Validations.of(cfnApi).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-ASC3")
                .reason("Field-level error logging is on (ERROR, to a log group with retention); verbose "
                        + "content is off on purpose, because request and response bodies carry chat "
                        + "messages and author handles that must not be kept in logs.")
                .build());
        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .logGroupName("/aws/appsync/apis/" + api.getApiId())
                .retention(props.stage().logRetention())
                .removalPolicy(props.stage().removalPolicy())
                .build();
        Policy.Builder.create(this, "LogsPolicy")
                .roles(List.of(logsRole))
                .document(PolicyDocument.Builder.create().statements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                        .resources(List.of(logGroup.getLogGroupArn()))
                        .build())).build())
                .build();

        for (ApiDefinition.DataSource source : definition.dataSources()) {
            CfnDataSource dataSource = dataSource(source, definition, props.tables());
            for (ApiDefinition.Resolver r : definition.resolvers()) {
                if (r.dataSource().equals(source.name())) {
                    CfnResolver resolver = CfnResolver.Builder.create(this, r.type() + r.field() + "Resolver")
                            .apiId(api.getApiId())
                            .typeName(r.type())
                            .fieldName(r.field())
                            .kind("UNIT")
                            .dataSourceName(dataSource.getAttrName())
                            .requestMappingTemplate(r.requestTemplate())
                            .responseMappingTemplate(r.responseTemplate())
                            .metricsConfig(measured(r) ? "ENABLED" : "DISABLED")
                            .build();
                    api.addSchemaDependency(resolver);
                }
            }
        }
    }

    private static boolean measured(ApiDefinition.Resolver r) {
        return r.type().equals("Mutation") && MEASURED_MUTATIONS.contains(r.field());
    }

    /** A renamed mutation must not leave the dashboard counting a field that no longer exists. */
    private static void requireMeasuredMutations(ApiDefinition definition) {
        for (String field : MEASURED_MUTATIONS) {
            if (definition.resolvers().stream().noneMatch(r -> r.type().equals("Mutation") && r.field().equals(field))) {
                throw new IllegalStateException("no resolver for Mutation." + field + " in graphql/resolvers.json, "
                        + "which RealtimeApi.MEASURED_MUTATIONS measures");
            }
        }
    }

    private CfnDataSource dataSource(ApiDefinition.DataSource source, ApiDefinition definition,
                                     Map<String, ITable> tables) {
        CfnDataSource.Builder builder = CfnDataSource.Builder.create(this, source.name() + "DataSource")
                .apiId(api.getApiId())
                .name(source.name())
                .type(source.type().name());
        if (source.type() == ApiDefinition.DataSourceType.AMAZON_DYNAMODB) {
            ITable table = Objects.requireNonNull(tables.get(source.table()),
                    () -> "no table given for logical table '" + source.table() + "'");
            Role role = Role.Builder.create(this, source.name() + "Role")
                    .assumedBy(new ServicePrincipal("appsync.amazonaws.com"))
                    .description("AppSync data source " + source.name() + ": the operations its resolvers run")
                    .inlinePolicies(Map.of("Resolvers", PolicyDocument.Builder.create()
                            .statements(List.of(PolicyStatement.Builder.create()
                                    .actions(dynamoDbActions(source, definition))
                                    .resources(List.of(table.getTableArn()))
                                    .build()))
                            .build()))
                    .build();
            builder.serviceRoleArn(role.getRoleArn())
                    .dynamoDbConfig(CfnDataSource.DynamoDBConfigProperty.builder()
                            .tableName(table.getTableName())
                            .awsRegion(Stack.of(this).getRegion())
                            .build());
        }
        return builder.build();
    }

    /**
     * The schema ships in the graphql jar (the bytes the simulator loads); {@code SchemaFile} reads
     * a file at synth and inlines its text into the template, so a temporary copy is enough.
     */
    private static String schemaFile(ApiDefinition definition) {
        try {
            Path file = Files.createTempFile("schema", ".graphql");
            file.toFile().deleteOnExit();
            Files.writeString(file, definition.schema(), StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the GraphQL schema for synth", e);
        }
    }

    /** The table variables and the configuration variables, each declared one set exactly once. */
    private static Map<String, String> environment(ApiDefinition definition, Props props) {
        Map<String, String> environment = new java.util.LinkedHashMap<>(tableVariables(definition, props.tables()));
        for (String variable : definition.settingVariables()) {
            environment.put(variable, Objects.requireNonNull(props.variables().get(variable),
                    () -> "no value for the API variable " + variable + " of graphql/resolvers.json"));
        }
        if (!definition.settingVariables().containsAll(props.variables().keySet())) {
            throw new IllegalArgumentException("API variables " + props.variables().keySet()
                    + " are not all declared in graphql/resolvers.json: " + definition.settingVariables());
        }
        return environment;
    }

    /** The real name of every logical table, under its {@link ApiDefinition#tableVariable}. */
    private static Map<String, String> tableVariables(ApiDefinition definition, Map<String, ITable> tables) {
        Map<String, String> variables = new java.util.LinkedHashMap<>();
        definition.tableVariables().forEach((variable, logical) -> variables.put(variable,
                Objects.requireNonNull(tables.get(logical), () -> "no table given for logical table '" + logical + "'")
                        .getTableName()));
        return variables;
    }

    /**
     * {@code dynamodb:<Operation>} for every operation the data source's request templates run, and
     * {@code dynamodb:GetItem} when one of them has a {@code condition}.
     * The role is scoped to the data source's own table, so a template that names a table
     * itself (BatchGetItem) must name that one, through its table variable and no other.
     */
    static List<String> dynamoDbActions(ApiDefinition.DataSource source, ApiDefinition definition) {
        TreeSet<String> actions = new TreeSet<>();
        String ownTable = ApiDefinition.tableVariable(source.table());
        for (ApiDefinition.Resolver r : definition.resolvers()) {
            if (r.dataSource().equals(source.name())) {
                Matcher m = OPERATION.matcher(r.requestTemplate());
                if (!m.find()) {
                    throw new IllegalStateException(r.type() + "." + r.field() + ": no \"operation\" in its request template");
                }
                String operation = m.group(1);
                List<String> tablesNamed = definition.environmentVariablesOf(r);
                if (operation.startsWith("Batch") && !tablesNamed.equals(List.of(ownTable))) {
                    throw new IllegalStateException(r.type() + "." + r.field() + ": " + operation
                            + " must name its data source's table through $ctx.env." + ownTable + " alone, names "
                            + tablesNamed);
                }
                actions.add("dynamodb:" + operation);
                // When a condition fails, AppSync itself reads the item (strongly consistent by default)
                // with this role, to compare it with the wanted result and to return it; without
                // GetItem the resolver answers an access error instead of the condition's error type
                // (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-resolver-mapping-template-reference-dynamodb-condition-expressions.html,
                // "Handling a condition check failure").
                if (hasCondition(r)) {
                    actions.add("dynamodb:GetItem");
                }
            }
        }
        return List.copyOf(actions);
    }

    /** Whether the resolver's request template has a {@code "condition"} section. */
    private static boolean hasCondition(ApiDefinition.Resolver resolver) {
        return CONDITION.matcher(resolver.requestTemplate()).find();
    }

    public GraphqlApi api() {
        return api;
    }

    /** The WebSocket URL clients subscribe on. */
    public String realtimeUrl() {
        return ((CfnGraphQLApi) api.getNode().getDefaultChild()).getAttrRealtimeUrl();
    }

    /** The public API key (the one {@code ApiKeyRenewal} extends). */
    public CfnApiKey apiKey() {
        return api.getNode().getChildren().stream()
                .filter(CfnApiKey.class::isInstance).map(CfnApiKey.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("the API has no API key"));
    }
}
