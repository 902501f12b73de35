package dev.refarch.realtime.local.iam;

import java.util.Objects;

/**
 * Who signs a local call: one principal of the policy export ({@code function:<handler>} or
 * {@code dataSource:<name>}) acting as its role, with an access key of its own, so the IAM gateway
 * knows from the signature alone which role's policies apply (as STS credentials tell AWS).
 *
 * @param name            the session name (a handler's class, a data source's name)
 * @param principalKey    the export's principal, e.g. {@code function:dev...TickConsumerHandler::handleRequest}
 * @param roleArn         the role's ARN, {@code arn:aws:iam::<account>:role/<name>}
 * @param accessKeyId     the access key it signs with
 * @param secretAccessKey the secret only it and the gateway know
 */
public record LocalIdentity(String name, String principalKey, String roleArn, String accessKeyId,
                            String secretAccessKey) {

    public LocalIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(principalKey, "principalKey");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        if (roleArn == null || !roleArn.matches("arn:aws:iam::\\d{12}:role/.+")) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
    }

    /** The account the role belongs to. */
    public String account() {
        return roleArn.split(":")[4];
    }

    /** The role's name, the part of its ARN after {@code role/}. */
    public String roleName() {
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    /**
     * The session ARN AWS names in errors for a caller with the role's temporary credentials
     * ({@code arn:aws:sts::<account>:assumed-role/<role>/<session>}), as a Lambda function is.
     */
    public String assumedRoleArn() {
        return "arn:aws:sts::" + account() + ":assumed-role/" + roleName() + "/" + name;
    }

    @Override
    public String toString() {
        // never the secret
        return "LocalIdentity[" + name + ", " + principalKey + ", " + roleArn + ", " + accessKeyId + "]";
    }
}
