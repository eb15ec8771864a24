package io.streamaug.augment;

import java.io.File;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** For the guards that every op class is registered: the concrete op classes a registry misses. */
public final class RegistryGuard {
    /** The concrete subclasses of {@code base} in {@code registry}'s package, and those not in {@code registered}. */
    public record Found(List<String> ops, List<String> unregistered) {
    }

    private RegistryGuard() {
    }

    public static Found scan(Class<?> registry, Class<?> base, Collection<Class<?>> registered) throws Exception {
        String pkg = registry.getPackageName();
        // The main classes' directory (the test-classes directory has the same package).
        File root = new File(registry.getProtectionDomain().getCodeSource().getLocation().toURI());
        File[] files = new File(root, pkg.replace('.', '/')).listFiles((d, n) -> n.endsWith(".class") && !n.contains("$"));
        List<String> ops = new ArrayList<>();
        List<String> unregistered = new ArrayList<>();
        for (File file : files) {
            Class<?> type = Class.forName(pkg + "." + file.getName().replace(".class", ""));
            if (base.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                ops.add(type.getSimpleName());
                if (!registered.contains(type)) {
                    unregistered.add(type.getSimpleName());
                }
            }
        }
        return new Found(ops, unregistered);
    }
}
