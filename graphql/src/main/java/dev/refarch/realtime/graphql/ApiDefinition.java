package dev.refarch.realtime.graphql;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GraphQL API as shipped in this jar: the schema, the data sources and which VTL templates
 * resolve which field. The CDK API stack and the local AppSync simulator both read it, so what
 * runs locally is what deploys.
 */
public final class ApiDefinition {

    private static final String ROOT = "graphql/";
    /** How a template reads an API environment variable: {@code $ctx.env.NAME} (or {@code $context.env}). */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$(?:ctx|context)\\.env\\.(\\w+)");

    private final String schema;
    private final List<DataSource> dataSources;
    private final List<Resolver> resolvers;
    private final List<String> variables;

    private ApiDefinition(String schema, List<DataSource> dataSources, List<Resolver> resolvers,
                          List<String> variables) {
        this.schema = schema;
        this.dataSources = List.copyOf(dataSources);
        this.resolvers = List.copyOf(resolvers);
        this.variables = List.copyOf(variables);
    }

    /** Loads the definition from the classpath and checks that every reference resolves. */
    public static ApiDefinition load() {
        Manifest manifest;
        try (InputStream in = open("resolvers.json")) {
            manifest = new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + "resolvers.json", e);
        }
        List<String> names = manifest.dataSources().stream().map(DataSource::name).toList();
        List<Resolver> resolvers = manifest.resolvers().stream().map(r -> {
            if (!names.contains(r.dataSource())) {
                throw new IllegalStateException("resolver " + r.type() + "." + r.field()
                        + " names unknown data source " + r.dataSource() + "; known: " + names);
            }
            return new Resolver(r.type(), r.field(), r.dataSource(),
                    text("resolvers/" + r.request()), text("resolvers/" + r.response()));
        }).toList();
        List<String> settings = manifest.variables() == null ? List.of() : manifest.variables();
        ApiDefinition definition = new ApiDefinition(text("schema.graphql"), manifest.dataSources(), resolvers,
                settings);
        for (Resolver r : resolvers) {
            for (String variable : definition.environmentVariablesOf(r)) {
                if (!definition.tableVariables().containsKey(variable) && !settings.contains(variable)) {
                    throw new IllegalStateException("resolver " + r.type() + "." + r.field()
                            + " reads unknown environment variable " + variable + "; known: "
                            + definition.tableVariables().keySet() + " and " + settings);
                }
            }
        }
        return definition;
    }

    /**
     * The API environment variable that holds the real name of a logical table, e.g.
     * {@code TABLE_TICKS} for {@code ticks}. Templates that must name a table (BatchGetItem) read
     * it as {@code $ctx.env.TABLE_TICKS}; the CDK stack and the simulator set every one of them.
     */
    public static String tableVariable(String logicalTable) {
        return "TABLE_" + logicalTable.toUpperCase(Locale.ROOT);
    }

    /** Every table variable ({@link #tableVariable}) and its logical table, one per DynamoDB data source. */
    public Map<String, String> tableVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        for (DataSource source : dataSources) {
            if (source.type() == DataSourceType.AMAZON_DYNAMODB) {
                variables.put(tableVariable(source.table()), source.table());
            }
        }
        return variables;
    }

    /**
     * The API environment variables that carry configuration rather than a table name
     * ({@code "variables"} of resolvers.json, e.g. {@code VOTE_SHARDS}): every runtime (the CDK stack,
     * the simulator) must set each one, from the app's configuration.
     */
    public List<String> settingVariables() {
        return variables;
    }

    /** The environment variables a resolver's templates read, in order of appearance. */
    public List<String> environmentVariablesOf(Resolver resolver) {
        List<String> names = new java.util.ArrayList<>();
        for (String template : List.of(resolver.requestTemplate(), resolver.responseTemplate())) {
            Matcher m = ENV_REFERENCE.matcher(template);
            while (m.find()) {
                if (!names.contains(m.group(1))) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** The schema in GraphQL SDL, AppSync directives included. */
    public String schema() {
        return schema;
    }

    public List<DataSource> dataSources() {
        return dataSources;
    }

    public List<Resolver> resolvers() {
        return resolvers;
    }

    private static String text(String path) {
        try (InputStream in = open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + path, e);
        }
    }

    private static InputStream open(String path) {
        InputStream in = ApiDefinition.class.getClassLoader().getResourceAsStream(ROOT + path);
        return Objects.requireNonNull(in, () -> ROOT + path + " is not on the classpath");
    }

    /** Kinds of AppSync data source the API uses. */
    public enum DataSourceType {
        /** A DynamoDB table, named by its logical role ({@link DataSource#table()}). */
        AMAZON_DYNAMODB,
        /** A local resolver: the request template's payload is the result. */
        NONE
    }

    /**
     * A data source. {@code table} is the logical table ({@code reviews} or {@code movies}) for
     * DynamoDB sources and null otherwise; each runtime maps it to a real table name.
     */
    public record DataSource(String name, DataSourceType type, String table) {
        public DataSource {
            Objects.requireNonNull(name, "data source name");
            Objects.requireNonNull(type, "data source type of " + name);
            if ((type == DataSourceType.AMAZON_DYNAMODB) != (table != null)) {
                throw new IllegalStateException("data source " + name
                        + ": a table is required for DynamoDB and not allowed otherwise");
            }
        }
    }

    /** A unit resolver: the field it serves, its data source, and its template texts. */
    public record Resolver(String type, String field, String dataSource,
                           String requestTemplate, String responseTemplate) {
    }

    private record Manifest(List<DataSource> dataSources, List<String> variables, List<ResolverEntry> resolvers) {
    }

    private record ResolverEntry(String type, String field, String dataSource,
                                 String request, String response) {
    }
}
