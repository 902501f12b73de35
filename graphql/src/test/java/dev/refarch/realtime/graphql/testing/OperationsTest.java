package dev.refarch.realtime.graphql.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationsTest {

    @Test
    void everyOperationTheTestsSendFitsTheSchema() throws IllegalAccessException {
        List<Field> operations = Arrays.stream(Operations.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .filter(f -> !f.getName().endsWith("_FIELDS"))
                .toList();
        assertTrue(operations.size() >= 12, "operations found: " + operations);
        for (Field field : operations) {
            AppSyncSchema.assertValid((String) field.get(null));
        }
    }
}
