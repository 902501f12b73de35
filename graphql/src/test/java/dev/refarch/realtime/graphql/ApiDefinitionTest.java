package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ApiDefinitionTest {

    private final ApiDefinition api = ApiDefinition.load();

    @Test
    void everyQueryAndMutationFieldHasExactlyOneResolver() {
        for (String type : List.of("Query", "Mutation")) {
            Set<String> schemaFields = AppSyncSchema.schema().getObjectType(type).getFieldDefinitions()
                    .stream().map(GraphQLFieldDefinition::getName).collect(Collectors.toSet());
            List<String> resolved = api.resolvers().stream()
                    .filter(r -> r.type().equals(type)).map(ApiDefinition.Resolver::field).toList();
            assertEquals(schemaFields, Set.copyOf(resolved), type + " fields vs resolvers");
            assertEquals(resolved.size(), Set.copyOf(resolved).size(), "duplicate resolver on " + type);
        }
    }

    @Test
    void everyResolverHasNonEmptyTemplatesAndAKnownDataSource() {
        Set<String> names = api.dataSources().stream().map(ApiDefinition.DataSource::name)
                .collect(Collectors.toSet());
        assertFalse(api.resolvers().isEmpty());
        for (ApiDefinition.Resolver r : api.resolvers()) {
            assertTrue(names.contains(r.dataSource()), r.field());
            assertFalse(r.requestTemplate().isBlank(), r.field());
            assertFalse(r.responseTemplate().isBlank(), r.field());
        }
    }

    @Test
    void backendOnlyMutationsAcceptIamAlone() {
        GraphQLObjectType mutation = AppSyncSchema.schema().getObjectType("Mutation");
        for (String field : List.of("setCurrentMovie", "publishReview", "publishReviews", "publishTick")) {
            GraphQLFieldDefinition definition = mutation.getFieldDefinition(field);
            assertNotNull(definition, field);
            assertTrue(definition.hasAppliedDirective("aws_iam"), field);
            assertFalse(definition.hasAppliedDirective("aws_api_key"), field + " must not accept the API key");
        }
        for (String field : List.of("vote", "sendMessage")) {
            assertTrue(mutation.getFieldDefinition(field).hasAppliedDirective("aws_api_key"), field);
        }
    }

    @Test
    void validatorRejectsOperationsThatDoNotFitTheSchema() {
        assertTrue(AppSyncSchema.errors("query { currentMovie { id title } }").isEmpty());
        assertFalse(AppSyncSchema.errors("query { currentMovie { rating } }").isEmpty());
        assertFalse(AppSyncSchema.errors("mutation { vote(movieId: \"1\", reaction: GREAT, count: 1) { count } }").isEmpty());
    }

    @Test
    void tableContractReactionsMatchTheSchemaEnum() {
        List<String> schemaReactions = AppSyncSchema.schema().getTypeAs("Reaction") instanceof graphql.schema.GraphQLEnumType e
                ? e.getValues().stream().map(graphql.schema.GraphQLEnumValueDefinition::getName).toList()
                : List.of();
        assertEquals(TableContract.Reviews.REACTIONS, schemaReactions);
    }

    @Test
    void templatesReadOnlyTheTableVariablesEveryRuntimeSets() {
        assertEquals(java.util.Map.of("TABLE_REVIEWS", "reviews", "TABLE_MOVIES", "movies", "TABLE_TICKS", "ticks"),
                api.tableVariables());
        ApiDefinition.Resolver latestTicks = api.resolvers().stream()
                .filter(r -> r.field().equals("latestTicks")).findFirst().orElseThrow();
        assertEquals(List.of("TABLE_TICKS"), api.environmentVariablesOf(latestTicks));
        assertEquals("TicksTable", latestTicks.dataSource());
    }
}
