package dev.refarch.realtime.local.iam;

import java.util.Locale;

/**
 * IAM's pattern matching: {@code *} any run of characters, {@code ?} one character. Actions match
 * without regard to case
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
 * resources match case-sensitively, a {@code *} may run on across colons ("if the * wildcard is the
 * last character of a resource ARN segment, it can expand to match beyond the colon boundaries",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards);
 * the ARN condition operators check each of an ARN's six colon-delimited parts on its own
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 */
final class Wildcards {

    private Wildcards() {
    }

    /** An action pattern ({@code dynamodb:Get*}, {@code kms:*}, {@code *}) against an action, ignoring case. */
    static boolean actionMatches(String pattern, String action) {
        return glob(pattern.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT));
    }

    /** A {@code Resource} pattern against a resource's ARN: one case-sensitive pattern over the whole ARN. */
    static boolean resourceMatches(String pattern, String resource) {
        return glob(pattern, resource);
    }

    /**
     * An ARN condition value ({@code ArnLike}, {@code ArnEquals}) against an ARN: part by part, so a
     * {@code *} does not run across a colon of the first five parts; anything not an ARN as one pattern.
     */
    static boolean arnMatches(String pattern, String arn) {
        if (pattern.startsWith("arn:") && arn.startsWith("arn:")) {
            String[] p = pattern.split(":", 6);
            String[] a = arn.split(":", 6);
            if (p.length != 6 || a.length != 6) {
                return false;
            }
            for (int i = 0; i < 6; i++) {
                if (!glob(p[i], a[i])) {
                    return false;
                }
            }
            return true;
        }
        return glob(pattern, arn);
    }

    /** {@code *} and {@code ?} over the whole value, case-sensitive. */
    static boolean glob(String pattern, String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
