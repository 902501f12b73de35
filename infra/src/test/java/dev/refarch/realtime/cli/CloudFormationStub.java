package dev.refarch.realtime.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * CloudFormation's DescribeStacks on WireMock, in its query protocol's XML, for the CLI tests that
 * read a stack's outputs ({@link StackOutputs}): one stack with the outputs given, every other
 * name answered as CloudFormation answers a missing stack (a ValidationError saying it does not exist).
 */
final class CloudFormationStub {

    private CloudFormationStub() {
    }

    /**
     * @param stackName    the stack that exists
     * @param outputs      its outputs, {@link #output} elements
     * @param missingStack the name the not-found message names (CloudFormation's message names the one asked for)
     */
    static void describeStacks(WireMockServer cloudFormation, String stackName, String outputs, String missingStack) {
        cloudFormation.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeStacks"))
                .withRequestBody(containing("StackName=" + stackName))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
                        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                          <DescribeStacksResult>
                            <Stacks>
                              <member>
                                <StackName>%1$s</StackName>
                                <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/%1$s/0f3e1a50</StackId>
                                <CreationTime>2026-01-01T00:00:00.000Z</CreationTime>
                                <StackStatus>CREATE_COMPLETE</StackStatus>
                                <Outputs>%2$s</Outputs>
                              </member>
                            </Stacks>
                          </DescribeStacksResult>
                        </DescribeStacksResponse>""".formatted(stackName, outputs))));
        cloudFormation.stubFor(post(urlEqualTo("/")).atPriority(10)
                .withRequestBody(containing("Action=DescribeStacks"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml").withBody("""
                        <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                          <Error><Type>Sender</Type><Code>ValidationError</Code>
                          <Message>Stack with id %s does not exist</Message></Error>
                        </ErrorResponse>""".formatted(missingStack))));
    }

    /** One stack output, as DescribeStacks lists it. */
    static String output(String key, String value) {
        return "<member><OutputKey>" + key + "</OutputKey><OutputValue>" + value + "</OutputValue></member>";
    }
}
