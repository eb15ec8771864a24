package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The module graph that docs/design-notes.md draws is the one the POMs declare. */
class ModuleGraphTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theDrawnGraphIsThePomsCompileDependencies() throws Exception {
        Set<String> drawn = new TreeSet<>();
        Matcher edge = Pattern.compile("(?m)^\\s+(\\w+) --> (\\w+)$")
                .matcher(Files.readString(ROOT.resolve("docs/design-notes.md")));
        while (edge.find()) {
            drawn.add(edge.group(1) + " -> " + edge.group(2));
        }

        Set<String> declared = new TreeSet<>();
        var parent = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(ROOT.resolve(module).resolve("pom.xml").toFile());
            NodeList dependencies = pom.getElementsByTagName("dependency");
            for (int d = 0; d < dependencies.getLength(); d++) {
                Element dependency = (Element) dependencies.item(d);
                String artifact = text(dependency, "artifactId");
                String scope = text(dependency, "scope");
                if (artifact.startsWith("streamaug-") && (scope.isEmpty() || scope.equals("compile"))) {
                    declared.add(module + " -> " + artifact.substring("streamaug-".length()));
                }
            }
        }
        assertThat(declared).isNotEmpty();
        assertThat(drawn).as("edges drawn in docs/design-notes.md").isEqualTo(declared);
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
