package dev.refarch.realtime.local.iam;

import java.time.Instant;

/**
 * One request the IAM gateway refused, for the runner log, tests and diagnostics.
 *
 * @param at        when
 * @param service   the service it was for
 * @param principal the caller's session ARN, or the access key when no identity has it
 * @param action    the refused action ({@code dynamodb:PutItem}); for a bad signature, {@code -}
 * @param resource  the resource's ARN; for a bad signature, the request's method and path
 * @param reason    the error code the caller got and why ({@code AccessDeniedException: because no ...})
 */
public record Refusal(Instant at, String service, String principal, String action, String resource, String reason) {

    @Override
    public String toString() {
        // one line in the log, whatever the reason holds (a canonical request has line breaks)
        return "IAM refused " + principal + " " + action + " on " + resource + " (" + service + "): "
                + reason.replace("\n", "\\n");
    }
}
