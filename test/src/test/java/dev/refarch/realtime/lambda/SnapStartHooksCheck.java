package dev.refarch.realtime.lambda;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link FunctionJarsTest} in a JVM whose class path is one function's jar and this class
 * alone, with the environment of a SnapStart init ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}):
 * builds the handler as Lambda does, then runs what SnapStart runs when a version is published and
 * restored, {@code beforeCheckpoint} and {@code afterRestore} of every runtime hook the handler
 * holds. No local run calls them, and the jars are shrunk, so a method or class only a hook reaches
 * could be missing and fail the deploy that publishes the version; then this exits non-zero with its
 * stack trace. By reflection: the hooks are package-private, and this class's build has its own
 * copies of the libraries.
 */
public final class SnapStartHooksCheck {

    private SnapStartHooksCheck() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> handlerType = Class.forName(args[0]);
        Object handler = handlerType.getConstructor().newInstance();
        List<String> hooks = new ArrayList<>();
        Class<?> resource;
        Class<?> context;
        try {
            resource = Class.forName("org.crac.Resource");
            context = Class.forName("org.crac.Context");
        } catch (ClassNotFoundException e) {
            // A function without hooks does not bundle the CRaC API.
            System.out.println("hooks " + hooks);
            System.exit(0);
            return;
        }
        for (Field field : handlerType.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || !resource.isAssignableFrom(field.getType())) {
                continue;
            }
            field.setAccessible(true);
            Object hook = field.get(handler);
            resource.getMethod("beforeCheckpoint", context).invoke(hook, (Object) null);
            resource.getMethod("afterRestore", context).invoke(hook, (Object) null);
            hooks.add(field.getType().getSimpleName());
        }
        System.out.println("hooks " + hooks);
        // A handler may hold non-daemon threads (HTTP clients); the check is over.
        System.exit(0);
    }
}
