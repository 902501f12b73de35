package dev.refarch.realtime.infra;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.infra.config.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.services.s3.Bucket;

class RealtimeAppTest {

    @Test
    void wholeAppSynthesizesWithNoUnacknowledgedNagFinding() {
        CloudAssembly assembly = TestApps.app(Map.of()).synth();
        assertTrue(assembly.getStacks().size() >= 1);
    }

    @Test
    void nagGateFailsSynthOnAnUnacknowledgedFinding(@TempDir Path outdir) throws Exception {
        App app = TestApps.freshApp(Map.of("outdir", outdir.toString()));
        // A bucket without TLS enforcement or access logs is an AwsSolutions finding.
        new Bucket(TestApps.stack(app, "realtime-refarch-dev-api"), "NonCompliantBucket");
        RuntimeException e = assertThrows(RuntimeException.class, app::synth);
        assertTrue(e.getMessage().contains("Validation failed"), e.getMessage());

        JsonNode report = new ObjectMapper().readTree(outdir.resolve("validation-report.json").toFile());
        List<String> violated = new ArrayList<>();
        report.at("/pluginReports/0/violations").forEach(v -> violated.add(v.get("ruleName").asText()));
        assertTrue(violated.contains("AwsSolutions-S10"), violated.toString());
        assertTrue(report.toString().contains("NonCompliantBucket"));
    }

    @Test
    void badContextFailsBeforeAnyStackIsBuilt() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> TestApps.app(Map.of("stage", "qa")));
        assertTrue(e.getMessage().contains("stage: 'qa' is not allowed; expected one of [dev, prod]"));
    }

    @Test
    void stacksAreEnvironmentAgnosticSoSynthNeedsNoAccount() {
        Stack stack = TestApps.stack(TestApps.app(Map.of()), "realtime-refarch-dev-api");
        assertTrue(Token.isUnresolved(stack.getAccount()));
        assertTrue(Token.isUnresolved(stack.getRegion()));
    }
}
