package dev.refarch.realtime.local.iam;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run's identities, one per principal of the policy export, each with a fresh random secret
 * (no fixed key of the run signs anything the gateway accepts): the function or data source
 * signs with its own key, and the gateway finds by the access key which role's policies to apply.
 * Role ARNs follow the deploy's names ({@code arn:aws:iam::<account>:role/<prefix>-<role key>}),
 * and {@link #binding()} gives the placeholders of the roles' ARNs, for resource and key policies
 * that name a role.
 */
public final class LocalIdentities {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** IAM's limit on a role name. */
    private static final int MAX_ROLE_NAME = 64;

    private final Map<String, LocalIdentity> byAccessKey = new LinkedHashMap<>();
    private final Map<String, LocalIdentity> byPrincipal = new LinkedHashMap<>();
    private final Map<String, String> binding = new TreeMap<>();

    private LocalIdentities(Collection<LocalIdentity> identities, Map<String, String> binding) {
        for (LocalIdentity identity : identities) {
            if (byAccessKey.put(identity.accessKeyId(), identity) != null) {
                throw new IllegalArgumentException("two identities sign with " + identity.accessKeyId());
            }
            if (byPrincipal.put(identity.principalKey(), identity) != null) {
                throw new IllegalArgumentException("two identities for " + identity.principalKey());
            }
        }
        this.binding.putAll(binding);
    }

    /**
     * One identity per principal of the export: its session name from the principal (a handler's
     * class, a data source's name), its role {@code <rolePrefix>-<role key>} in {@code account}, a random
     * access key {@code AKIDLOCAL...} and secret.
     */
    public static LocalIdentities forPrincipals(PolicyModel model, String account, String rolePrefix) {
        List<LocalIdentity> identities = new ArrayList<>();
        Map<String, String> binding = new LinkedHashMap<>();
        for (String principal : model.principals()) {
            String roleKey = model.roleKey(principal).orElseThrow();
            String roleArn = "arn:aws:iam::" + account + ":role/" + roleName(rolePrefix, roleKey);
            identities.add(new LocalIdentity(sessionName(principal), principal, roleArn,
                    "AKIDLOCAL" + random(KEY_ALPHABET, 11), random(SECRET_ALPHABET, 40)));
            binding.put(roleKey + ".Arn", roleArn);
        }
        return new LocalIdentities(identities, binding);
    }

    /** Exactly these identities (tests that sign with known keys); the binding names their roles by ARN. */
    public static LocalIdentities of(Collection<LocalIdentity> identities) {
        return new LocalIdentities(identities, Map.of());
    }

    /** The identity that signs with this access key. */
    public Optional<LocalIdentity> byAccessKey(String accessKeyId) {
        return Optional.ofNullable(byAccessKey.get(accessKeyId));
    }

    /** The identity of a principal ({@code function:<handler>}, {@code dataSource:<name>}). */
    public LocalIdentity forPrincipal(String principalKey) {
        LocalIdentity identity = byPrincipal.get(principalKey);
        if (identity == null) {
            throw new IllegalArgumentException("no identity for " + principalKey + "; the export's principals are "
                    + byPrincipal.keySet());
        }
        return identity;
    }

    public List<LocalIdentity> all() {
        return List.copyOf(byAccessKey.values());
    }

    /** {@code <role key>.Arn} to the role's local ARN, for {@link PolicyModel#bind}. */
    public Map<String, String> binding() {
        return Map.copyOf(binding);
    }

    /** {@code function:dev...TickConsumerHandler::handleRequest} to {@code TickConsumerHandler}, {@code dataSource:X} to {@code X}. */
    static String sessionName(String principal) {
        String name = principal.substring(principal.indexOf(':') + 1);
        int method = name.indexOf("::");
        if (method >= 0) {
            name = name.substring(0, method);
        }
        name = name.substring(name.lastIndexOf('.') + 1).replaceAll("[^\\w+=,.@-]", "-");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /**
     * {@code streaming/TickConsumerFunction/ServiceRole/Resource} to
     * {@code <prefix>-streaming-TickConsumerFunction-ServiceRole}, at most 64 characters.
     */
    static String roleName(String prefix, String roleKey) {
        String key = roleKey.endsWith("/Resource") ? roleKey.substring(0, roleKey.length() - "/Resource".length())
                : roleKey;
        String name = (prefix + "-" + key).replaceAll("[^\\w+=,.@-]", "-");
        if (name.length() <= MAX_ROLE_NAME) {
            return name;
        }
        // Too long for IAM: shortened, with a hash of the whole so two long keys stay two roles.
        String hash = String.format("%08x", name.hashCode());
        return name.substring(0, MAX_ROLE_NAME - hash.length() - 1) + "-" + hash;
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
