package dev.refarch.realtime.cli;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Reads the CLI tasks' resource names (the Reviews table, the failure bucket...) from CloudFormation outputs. */
public final class StackOutputs {

    /** The API stack's output that holds the Reviews table's name. */
    public static final String REVIEWS_TABLE_NAME = "ReviewsTableName";

    private final CloudFormationClient cloudFormation;

    public StackOutputs(CloudFormationClient cloudFormation) {
        this.cloudFormation = cloudFormation;
    }

    /**
     * The value of the stack's {@value #REVIEWS_TABLE_NAME} output.
     *
     * @throws SeedFailure with {@link ReviewsCli#UNKNOWN_STACK} or {@link ReviewsCli#MISSING_OUTPUT}
     */
    public String reviewsTableName(String stackName) {
        return value(stackName, REVIEWS_TABLE_NAME);
    }

    /**
     * The value of one output of a stack.
     *
     * @throws SeedFailure with {@link ReviewsCli#UNKNOWN_STACK} or {@link ReviewsCli#MISSING_OUTPUT}
     */
    public String value(String stackName, String outputKey) {
        Stack stack;
        try {
            stack = cloudFormation.describeStacks(d -> d.stackName(stackName)).stacks().get(0);
        } catch (CloudFormationException e) {
            // CloudFormation has no dedicated error for this: a missing stack is a
            // ValidationError whose message says "Stack with id X does not exist".
            if (e.awsErrorDetails() != null && "ValidationError".equals(e.awsErrorDetails().errorCode())
                    && String.valueOf(e.awsErrorDetails().errorMessage()).contains("does not exist")) {
                throw new SeedFailure(ReviewsCli.UNKNOWN_STACK,
                        "stack " + stackName + " does not exist in this account and region", e);
            }
            throw e;
        }
        return stack.outputs().stream()
                .filter(output -> outputKey.equals(output.outputKey()))
                .map(Output::outputValue)
                .findFirst()
                .orElseThrow(() -> new SeedFailure(ReviewsCli.MISSING_OUTPUT,
                        "stack " + stackName + " has no output " + outputKey
                                + "; is it the right stack, and is its deployment complete?", null));
    }
}
