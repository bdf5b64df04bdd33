package org.cam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.cam4j.plugin.Provider;
import picocli.CommandLine.Command;

/**
 * {@code cam plugins}: every plugin jar with what it contributes (methods, metrics, backends, target types...), each
 * provider by kind, name and class; a jar that registers nothing is named with the likely cause.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = {"List the plugin jars (plugins/ beside"
        + " cam.jar, -Dcam4j.plugins, CAM4J_PLUGINS) and what each contributes."})
final class PluginsCommand extends ListingCommand {
    @Override
    void list(ArrayNode rows, List<String> lines) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Plugins.places().forEach((place, jars) -> {
            if (jars.isEmpty()) {
                lines.add(place + ": no plugin jars");
            }
            for (Path jar : jars) {
                ObjectNode row = rows.addObject().put("jar", jar.toString());
                ArrayNode provided = row.putArray("provides");
                lines.add(jar.toString());
                Map<String, List<String>> services = Plugins.services(jar);
                if (services.isEmpty()) {
                    row.put("problem", Plugins.REGISTERS_NOTHING);
                    lines.add("  " + Plugins.REGISTERS_NOTHING);
                }
                services.forEach((service, classes) -> {
                    for (Provided p : provided(service, classes, jar, loader)) {
                        provided.addObject().put("kind", p.kind()).put("name", p.name()).put("class", p.type());
                        lines.add(String.format("  %-16s %-24s %s", p.kind(), p.name(), p.type()));
                    }
                });
            }
        });
    }

    /** One provider a jar contributes: the service's simple name, the provider's name, its class. */
    private record Provided(String kind, String name, String type) {
    }

    /** The providers of a service that come from this jar, named as the registries name them. */
    private static List<Provided> provided(String service, List<String> classes, Path jar, ClassLoader loader) {
        String kind = service.substring(service.lastIndexOf('.') + 1);
        Class<?> type;
        try {
            type = Class.forName(service, false, loader);
        } catch (ClassNotFoundException e) {
            return classes.stream().map(c -> new Provided(kind, "(unknown service: needs a newer cam4j)", c)).toList();
        }
        return ServiceLoader.load(type, loader).stream().filter(p -> from(p.type(), jar))
                .map(p -> new Provided(kind, p.get() instanceof Provider named ? named.name() : "",
                        p.type().getName())).toList();
    }

    private static boolean from(Class<?> type, Path jar) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            return source != null && Path.of(source.getLocation().toURI()).equals(jar.toAbsolutePath());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
