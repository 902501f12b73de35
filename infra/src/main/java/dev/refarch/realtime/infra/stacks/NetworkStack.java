package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.infra.config.AppConfig;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointService;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The network of the streaming half: a VPC over two availability zones with public and private
 * (egress) subnets, NAT gateways as configured, flow logs, interface endpoints for what the
 * MSK event source mapping and the functions in the VPC call (STS, Secrets Manager, Lambda), and
 * an S3 gateway endpoint, which the mapping's S3 on-failure destination requires ("a VPC endpoint
 * for your on-failure destination service inside your cluster VPC"), so those calls never depend
 * on the NAT alone. No SQS endpoint: the queue is no longer the mapping's destination, and the
 * consumer that parks poison records in it runs outside the VPC.
 */
public final class NetworkStack extends Stack {

    /** The VPC's range; a literal, so endpoint rules name it (and cdk-nag can read them). */
    public static final String CIDR = "10.40.0.0/16";

    private final Vpc vpc;

    public NetworkStack(Construct scope, String id, StackProps props, AppConfig config) {
        super(scope, id, props);
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(CIDR))
                .maxAzs(AppConfig.AVAILABILITY_ZONES)
                .natGateways(config.natGateways())
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(22).build()))
                .build();

        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs")
                .retention(config.stage().logRetention())
                .removalPolicy(config.stage().removalPolicy())
                .build();
        vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
                .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                .trafficType(FlowLogTrafficType.ALL)
                .build());

        SubnetSelection privateSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
        Map<String, String> endpoints = Map.of(
                "StsEndpoint", "sts",
                "SecretsManagerEndpoint", "secretsmanager",
                "LambdaEndpoint", "lambda");
        endpoints.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            InterfaceVpcEndpoint endpoint = vpc.addInterfaceEndpoint(e.getKey(), InterfaceVpcEndpointOptions.builder()
                    .service(awsService(e.getValue()))
                    .subnets(privateSubnets)
                    .privateDnsEnabled(true)
                    .open(false)
                    .build());
            endpoint.getConnections().allowFrom(Peer.ipv4(CIDR), Port.tcp(443), "HTTPS from inside the VPC");
        });
        // Gateway endpoints are free and route by prefix list in the private subnets' route tables.
        vpc.addGatewayEndpoint("S3Endpoint", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3)
                .subnets(List.of(privateSubnets))
                .build());
    }

    /**
     * The interface endpoint service {@code com.amazonaws.<region>.<name>}: the name
     * {@code InterfaceVpcEndpointAwsService} renders for an environment-agnostic stack, built here
     * because that class's Java binding fetches all of its ~400 constants from the jsii runtime when
     * it is first loaded (about 0.5 s of every synth, measured). Private DNS is set on each endpoint.
     */
    private InterfaceVpcEndpointService awsService(String name) {
        return new InterfaceVpcEndpointService("com.amazonaws." + getRegion() + "." + name, 443);
    }

    public Vpc vpc() {
        return vpc;
    }
}
