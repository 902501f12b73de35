package dev.refarch.realtime.graphql.testing;

import dev.refarch.realtime.graphql.ApiDefinition;
import graphql.ExecutionInput;
import graphql.GraphQLError;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import java.util.List;

/**
 * Our schema as graphql-java sees it, with the scalars and directives AppSync provides
 * declared, so operation strings sent by Java code can be validated in unit tests.
 */
public final class AppSyncSchema {

    /** What AppSync adds to every schema implicitly. */
    private static final String APPSYNC_BUILT_INS = """
            scalar AWSDate
            scalar AWSTime
            scalar AWSDateTime
            scalar AWSTimestamp
            scalar AWSEmail
            scalar AWSJSON
            scalar AWSURL
            scalar AWSPhone
            scalar AWSIPAddress
            directive @aws_api_key on OBJECT | FIELD_DEFINITION
            directive @aws_iam on OBJECT | FIELD_DEFINITION
            directive @aws_oidc on OBJECT | FIELD_DEFINITION
            directive @aws_lambda on OBJECT | FIELD_DEFINITION
            directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
            directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
            directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
            """;

    private static final GraphQLSchema SCHEMA = build(ApiDefinition.load().schema());

    private AppSyncSchema() {
    }

    /** The executable-shape schema (no data fetchers), for inspection. */
    public static GraphQLSchema schema() {
        return SCHEMA;
    }

    /** Parses and validates an operation against the schema; empty when it is valid. */
    public static List<String> errors(String operation) {
        ParseAndValidateResult result = ParseAndValidate.parseAndValidate(
                SCHEMA, ExecutionInput.newExecutionInput(operation).build());
        return result.getErrors().stream().map(GraphQLError::getMessage).toList();
    }

    /** Throws with every validation error when the operation does not fit the schema. */
    public static void assertValid(String operation) {
        List<String> errors = errors(operation);
        if (!errors.isEmpty()) {
            throw new AssertionError("operation does not fit graphql/schema.graphql: " + errors
                    + "\n" + operation);
        }
    }

    private static GraphQLSchema build(String sdl) {
        TypeDefinitionRegistry registry = new SchemaParser().parse(APPSYNC_BUILT_INS + sdl);
        return UnExecutableSchemaGenerator.makeUnExecutableSchema(registry);
    }
}
