package io.streamaug.deploy;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.worker.AugmentConfig;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.trainer.config.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * docker-compose.yml and deploy/k8s, checked offline against the code: service and topic names,
 * partition counts and the autoscaler's bound, environment variable names, and every container's
 * command line (parsed by the real command line). No Docker engine or cluster is needed.
 */
class DeployFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

    @SuppressWarnings("unchecked")
    private static <T> T get(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            current = ((Map<String, Object>) current).get(key);
        }
        return (T) current;
    }

    /** Compose's ${VAR:-default} with the defaults (as with an empty environment). */
    private static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The image Jib builds (deploy's "image" profile): streamaug:PROJECT_VERSION. */
    private static String imageName() throws IOException {
        Matcher version = Pattern.compile("<artifactId>streamaug-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        return "streamaug:" + version.group(1);
    }

    private static void parses(List<?> args, String where) {
        String[] argv = args.stream().map(a -> interpolate(String.valueOf(a))).toArray(String[]::new);
        CommandLine cli = io.streamaug.core.cli.Commands.configure(new CommandLine(new StreamaugCli()));
        CommandLine.ParseResult result = cli.parseArgs(argv);
        assertThat(result.hasSubcommand()).as(where + ": " + String.join(" ", argv)).isTrue();
    }

    private static void knownVariables(Map<String, Object> env, String where) {
        List<String> known = new ArrayList<>(List.of(KafkaOptions.ENV_BOOTSTRAP, KafkaOptions.ENV_WAIT_FOR_BROKER,
                KafkaOptions.ENV_KAFKA_CONFIG, "STREAMAUG_TOPIC_PREFIX", "STREAMAUG_RUNS", io.streamaug.worker.AugmentCommand.ENV_INSTANCE_ID));
        TrainConfig.keys().forEach(k -> known.add(TrainConfig.ENV_PREFIX + k.toUpperCase()));
        env.keySet().stream().filter(k -> k.startsWith("STREAMAUG_"))
                .forEach(k -> assertThat(known).as(where + " sets " + k + ", which the code does not read").contains(k));
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeMatchesTheCode() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Object> services = get(compose, "services");
        assertThat(services).containsKeys("kafka", "topics", "produce", "stats", "augment", "trainer");

        Map<String, Object> kafka = (Map<String, Object>) services.get("kafka");
        assertThat((String) kafka.get("image")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        Map<String, Object> kafkaEnv = (Map<String, Object>) kafka.get("environment");
        assertThat(String.valueOf(kafkaEnv.get("KAFKA_PROCESS_ROLES"))).contains("broker").contains("controller");
        String advertised = String.valueOf(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).replace("PLAINTEXT://", "");

        Map<String, Object> augment = (Map<String, Object>) services.get("augment");
        assertThat(augment).as("augment must scale: no fixed name, no host ports").doesNotContainKeys("container_name", "ports");

        for (String name : List.of("topics", "produce", "stats", "augment", "trainer")) {
            Map<String, Object> service = (Map<String, Object>) services.get(name);
            Map<String, Object> env = (Map<String, Object>) service.get("environment");
            assertThat(env.get(KafkaOptions.ENV_BOOTSTRAP)).as(name).isEqualTo(advertised);
            knownVariables(env, name);
            parses((List<?>) service.get("command"), name);
            assertThat(interpolate((String) service.get("image"))).as(name).isEqualTo(imageName());
        }
        // The trainer's settings come from its environment: they must make a valid config.
        Map<String, String> trainerEnv = new HashMap<>();
        ((Map<String, Object>) get(services, "trainer", "environment"))
                .forEach((k, v) -> trainerEnv.put(k, interpolate(String.valueOf(v))));
        TrainConfig config = TrainConfig.load(TrainConfig.fromEnvironment(trainerEnv), null, Map.of());
        assertThat(config.name()).isEqualTo("compose");
        assertThat(config.effectiveNorm()).isEqualTo(TrainConfig.Norm.LAYER);

        // The start order: kafka → topics → produce → stats → trainer.
        assertThat((Map<String, Object>) get(services, "topics", "depends_on")).containsKey("kafka");
        assertThat((Map<String, Object>) get(services, "produce", "depends_on")).containsKey("topics");
        assertThat((Map<String, Object>) get(services, "stats", "depends_on")).containsKey("produce");
        assertThat((Map<String, Object>) get(services, "trainer", "depends_on")).containsKey("stats");
    }

    private static final Path K8S = ROOT.resolve("deploy").resolve("k8s");

    private static List<String> manifestFiles() throws IOException {
        try (Stream<Path> list = Files.list(K8S)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
    }

    /** Every resource of deploy/k8s, by kind. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Map<String, Object>>> manifests() throws IOException {
        Map<String, List<Map<String, Object>>> byKind = new LinkedHashMap<>();
        for (String file : manifestFiles()) {
            for (Object doc : new Yaml().loadAll(Files.readString(K8S.resolve(file)))) {
                Map<String, Object> resource = (Map<String, Object>) doc;
                byKind.computeIfAbsent((String) resource.get("kind"), k -> new ArrayList<>()).add(resource);
            }
        }
        return byKind;
    }

    private static Map<String, Object> named(List<Map<String, Object>> resources, String name) {
        return resources.stream().filter(r -> name.equals(get(r, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no resource named " + name));
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesManifestsMatchTheCode() throws IOException {
        Map<String, List<Map<String, Object>>> byKind = manifests();
        List<String> files = manifestFiles();
        // Kustomize applies every manifest in the folder.
        List<String> listed = (List<String>) byKind.get("Kustomization").get(0).get("resources");
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files.stream().filter(f -> !f.equals("kustomization.yaml")).toList());

        // Topics: the same names, partitions and settings as the code creates (12 partitions, 3 replicas, min ISR 2).
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        byKind.get("KafkaTopic").forEach(t -> topics.put(get(t, "spec", "topicName"), get(t, "spec")));
        List<NewTopic> expected = Topics.DEFAULT.definitions(TopicLayout.of(12), (short) 3);
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(NewTopic::name).toList());
        for (NewTopic topic : expected) {
            Map<String, Object> spec = topics.get(topic.name());
            assertThat(spec.get("partitions")).as(topic.name()).isEqualTo(topic.numPartitions());
            Map<String, Object> config = (Map<String, Object>) spec.getOrDefault("config", Map.of());
            Map<String, String> asText = new HashMap<>();
            config.forEach((k, v) -> asText.put(k, String.valueOf(v)));
            assertThat(asText).as(topic.name()).isEqualTo(topic.configs() == null ? Map.of() : topic.configs());
        }

        // The autoscaler: the workers' consumer group, on raw.images, at most one busy worker per partition.
        Map<String, Object> scaled = byKind.get("ScaledObject").get(0);
        Map<String, Object> trigger = ((List<Map<String, Object>>) get(scaled, "spec", "triggers")).get(0);
        assertThat(trigger.get("type")).isEqualTo("kafka");
        assertThat((String) get(trigger, "metadata", "consumerGroup")).isEqualTo(AugmentConfig.DEFAULT_APPLICATION_ID);
        assertThat((String) get(trigger, "metadata", "topic")).isEqualTo(Topics.RAW_IMAGES);
        assertThat((Integer) get(scaled, "spec", "maxReplicaCount")).isEqualTo(get(topics.get(Topics.RAW_IMAGES), "partitions"));
        Map<String, Object> env = (Map<String, Object>) byKind.get("ConfigMap").stream()
                .filter(c -> get(c, "metadata", "name").equals("streamaug-env")).findFirst().orElseThrow().get("data");
        assertThat((String) get(trigger, "metadata", "bootstrapServers")).isEqualTo(env.get(KafkaOptions.ENV_BOOTSTRAP));
        assertThat((String) env.get(KafkaOptions.ENV_BOOTSTRAP)).startsWith(get(byKind.get("Kafka").get(0), "metadata", "name") + "-kafka-bootstrap:");

        // Every container: a command line the CLI accepts, known variables, requests from measurements.
        List<Map<String, Object>> workloads = new ArrayList<>(byKind.get("Deployment"));
        workloads.addAll(byKind.get("Job"));
        for (Map<String, Object> workload : workloads) {
            String name = get(workload, "metadata", "name");
            Map<String, Object> pod = get(workload, "spec", "template", "spec");
            for (Map<String, Object> container : (List<Map<String, Object>>) pod.get("containers")) {
                parses((List<?>) container.get("args"), name);
                assertThat(container.get("image")).as(name).isEqualTo(imageName());
                Map<String, Object> vars = new HashMap<>(env);
                for (Map<String, Object> e : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
                    vars.put((String) e.get("name"), e.get("value"));
                }
                knownVariables(vars, name);
                assertThat((Map<String, Object>) get(container, "resources", "requests")).as(name).containsKeys("cpu", "memory");
            }
            for (Map<String, Object> volume : (List<Map<String, Object>>) pod.getOrDefault("volumes", List.of())) {
                if (volume.containsKey("configMap")) {
                    String configMap = get(volume, "configMap", "name");
                    assertThat(byKind.get("ConfigMap")).as(name + " mounts " + configMap)
                            .anyMatch(c -> get(c, "metadata", "name").equals(configMap));
                }
                if (volume.containsKey("persistentVolumeClaim")) {
                    String claim = get(volume, "persistentVolumeClaim", "claimName");
                    assertThat(byKind.get("PersistentVolumeClaim")).anyMatch(c -> get(c, "metadata", "name").equals(claim));
                }
            }
        }
        List<String> augmentArgs = get(((List<Map<String, Object>>) get(byKind.get("Deployment").stream()
                .filter(d -> get(d, "metadata", "name").equals("augment")).findFirst().orElseThrow(),
                "spec", "template", "spec", "containers")).get(0), "args");
        assertThat(augmentArgs.get(augmentArgs.indexOf("--application-id") + 1)).isEqualTo(AugmentConfig.DEFAULT_APPLICATION_ID);

        // The mounted spec and trainer recipe load as the commands will load them.
        Path tmp = Files.createTempDirectory("k8s-config");
        for (Map<String, Object> configMap : byKind.get("ConfigMap")) {
            for (var entry : ((Map<String, Object>) configMap.get("data")).entrySet()) {
                if (entry.getKey().equals("fashion-mnist.yaml")) {
                    Path spec = Files.writeString(tmp.resolve(entry.getKey()), (String) entry.getValue());
                    assertThat(SpecLoader.load(spec, List.of()).channels()).isEqualTo(1);
                }
                if (entry.getKey().equals("trainer.yaml")) {
                    Path recipe = Files.writeString(tmp.resolve(entry.getKey()), (String) entry.getValue());
                    assertThat(TrainConfig.load(recipe, Map.of()).effectiveNorm()).isEqualTo(TrainConfig.Norm.LAYER);
                }
            }
        }
    }

    /**
     * The cluster is secured and every pod logs in as its own role's user: the Kafka resource takes
     * SCRAM-SHA-512 on the listener of STREAMAUG_BOOTSTRAP and enforces ACLs; every container mounts the
     * client settings STREAMAUG_KAFKA_CONFIG names and, where those read the JAAS line from, the Secret of
     * the KafkaUser whose role runs its command (augment → streamaug-worker, …); KEDA's scaler logs in as
     * the workers' user. The settings hold no password: they read secrets from the mounted files.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyPodLogsInAsItsRolesKafkaUser() throws IOException {
        Map<String, List<Map<String, Object>>> byKind = manifests();
        Map<String, Object> env = get(named(byKind.get("ConfigMap"), "streamaug-env"), "data");
        String bootstrap = (String) env.get(KafkaOptions.ENV_BOOTSTRAP);
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));

        Map<String, Object> kafka = get(byKind.get("Kafka").get(0), "spec", "kafka");
        Map<String, Object> listener = ((List<Map<String, Object>>) kafka.get("listeners")).stream()
                .filter(l -> l.get("port").equals(port)).findFirst().orElseThrow();
        assertThat((String) get(listener, "authentication", "type")).as("the pods' listener authenticates").isEqualTo("scram-sha-512");
        assertThat((String) get(kafka, "authorization", "type")).as("ACLs are enforced").isEqualTo("simple");
        assertThat((Map<String, Object>) get(byKind.get("Kafka").get(0), "spec", "entityOperator"))
                .as("the User Operator makes the users' Secrets").containsKeys("userOperator", "topicOperator");

        // The client settings: SCRAM over the listener's protocol, the JAAS line from a mounted directory.
        Path config = Path.of((String) env.get(KafkaOptions.ENV_KAFKA_CONFIG));
        String configMapName = null;
        java.util.Properties client = null;
        for (Map<String, Object> configMap : byKind.get("ConfigMap")) {
            Object text = ((Map<String, Object>) configMap.get("data")).get(config.getFileName().toString());
            if (text != null) {
                configMapName = get(configMap, "metadata", "name");
                client = new java.util.Properties();
                client.load(new java.io.StringReader((String) text));
            }
        }
        assertThat(client).as("a ConfigMap holds %s", config.getFileName()).isNotNull();
        assertThat(client.getProperty("security.protocol"))
                .isEqualTo(Boolean.TRUE.equals(listener.get("tls")) ? "SASL_SSL" : "SASL_PLAINTEXT");
        assertThat(client.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(client.getProperty("config.providers")).isEqualTo("dir");
        assertThat(client.getProperty("config.providers.dir.class"))
                .isEqualTo(org.apache.kafka.common.config.provider.DirectoryConfigProvider.class.getName());
        Matcher jaas = Pattern.compile("\\$\\{dir:(/[^:}]+):sasl\\.jaas\\.config}").matcher(client.getProperty("sasl.jaas.config"));
        assertThat(jaas.matches()).as("sasl.jaas.config is read from a directory: %s", client.getProperty("sasl.jaas.config")).isTrue();
        String userMount = jaas.group(1);
        for (String key : client.stringPropertyNames()) {
            if (key.contains("password") || key.equals("sasl.jaas.config")) {
                assertThat(client.getProperty(key)).as("%s is read from a file, not written here", key).startsWith("${dir:");
            }
        }

        List<Map<String, Object>> workloads = new ArrayList<>(byKind.get("Deployment"));
        workloads.addAll(byKind.get("Job"));
        for (Map<String, Object> workload : workloads) {
            String name = get(workload, "metadata", "name");
            Map<String, Object> pod = get(workload, "spec", "template", "spec");
            Map<String, Map<String, Object>> volumes = new HashMap<>();
            for (Map<String, Object> volume : (List<Map<String, Object>>) pod.getOrDefault("volumes", List.of())) {
                volumes.put((String) volume.get("name"), volume);
            }
            for (Map<String, Object> container : (List<Map<String, Object>>) pod.get("containers")) {
                String command = String.valueOf(((List<?>) container.get("args")).get(0));
                io.streamaug.kafka.PipelineAcls role = java.util.Arrays.stream(io.streamaug.kafka.PipelineAcls.values())
                        .filter(r -> r.role().contains("`" + command + "`")).findFirst()
                        .orElseThrow(() -> new AssertionError(name + " runs '" + command + "', which no role of PipelineAcls names"));
                Map<String, String> mounts = new HashMap<>();
                for (Map<String, Object> mount : (List<Map<String, Object>>) container.getOrDefault("volumeMounts", List.of())) {
                    mounts.put((String) mount.get("mountPath"), (String) mount.get("name"));
                }
                Map<String, Object> settings = volumes.get(mounts.get(config.getParent().toString()));
                assertThat(settings).as("%s mounts the client settings at %s", name, config.getParent()).isNotNull();
                assertThat((String) get(settings, "configMap", "name")).as(name).isEqualTo(configMapName);

                Map<String, Object> user = volumes.get(mounts.get(userMount));
                assertThat(user).as("%s mounts its Kafka user's Secret at %s", name, userMount).isNotNull();
                String secret = get(user, "secret", "secretName");
                assertThat(secret).as("%s runs %s: its role's user", name, command)
                        .isEqualTo("streamaug-" + role.name().toLowerCase(java.util.Locale.ROOT));
                assertThat(byKind.get("KafkaUser")).as("the User Operator writes the Secret %s", secret)
                        .anyMatch(u -> secret.equals(get(u, "metadata", "name")));
                List<Map<String, Object>> items = get(user, "secret", "items");
                if (items != null) {
                    assertThat(items).as(name).contains(Map.of("key", "sasl.jaas.config", "path", "sasl.jaas.config"));
                }
            }
        }

        // KEDA's Kafka scaler: SCRAM, as the workers' user, the password from that user's Secret.
        Map<String, Object> trigger = ((List<Map<String, Object>>) get(byKind.get("ScaledObject").get(0), "spec", "triggers")).get(0);
        assertThat((String) get(trigger, "metadata", "sasl")).isEqualTo("scram_sha512");
        assertThat((String) get(trigger, "metadata", "tls")).isEqualTo(Boolean.TRUE.equals(listener.get("tls")) ? "enable" : "disable");
        Map<String, Object> auth = named(byKind.get("TriggerAuthentication"), get(trigger, "authenticationRef", "name"));
        assertThat((List<Map<String, Object>>) get(auth, "spec", "secretTargetRef"))
                .contains(Map.of("parameter", "password", "name", "streamaug-worker", "key", "password"));
        Map<String, Object> username = ((List<Map<String, Object>>) get(auth, "spec", "env")).stream()
                .filter(e -> e.get("parameter").equals("username")).findFirst().orElseThrow();
        Map<String, Object> augment = ((List<Map<String, Object>>) get(named(byKind.get("Deployment"), "augment"),
                "spec", "template", "spec", "containers")).stream().filter(c -> c.get("name").equals(username.get("containerName")))
                .findFirst().orElseThrow();
        assertThat(((List<Map<String, Object>>) augment.get("env")).stream().filter(e -> e.get("name").equals(username.get("name"))))
                .singleElement().extracting(e -> e.get("value")).isEqualTo("streamaug-worker");
    }

    /** A Strimzi ACL rule's resource and one operation, as Kafka names them: TOPIC streamaug PREFIXED WRITE. */
    private static String rule(String type, String name, String patternType, String operation) {
        return (type.replaceAll("([a-z])([A-Z])", "$1_$2") + " " + name + " "
                + (patternType.equals("prefix") ? "prefixed" : patternType) + " "
                + operation.replaceAll("([a-z])([A-Z])", "$1_$2")).toUpperCase(java.util.Locale.ROOT);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKafkaUsersCarryTheAclsOfTheirRoles() throws IOException {
        Map<String, java.util.Set<String>> users = new HashMap<>();
        for (Object doc : new Yaml().loadAll(Files.readString(ROOT.resolve("deploy/k8s/users.yaml")))) {
            Map<String, Object> user = (Map<String, Object>) doc;
            assertThat(user.get("kind")).isEqualTo("KafkaUser");
            assertThat((String) get(user, "spec", "authentication", "type")).isEqualTo("scram-sha-512");
            java.util.Set<String> rules = new java.util.TreeSet<>();
            for (Map<String, Object> acl : (List<Map<String, Object>>) get(user, "spec", "authorization", "acls")) {
                for (String operation : (List<String>) acl.get("operations")) {
                    rules.add(rule(get(acl, "resource", "type"), get(acl, "resource", "name"),
                            get(acl, "resource", "patternType"), operation));
                }
            }
            users.put(get(user, "metadata", "name"), rules);
        }
        Map<String, java.util.Set<String>> expected = new HashMap<>();
        for (io.streamaug.kafka.PipelineAcls role : io.streamaug.kafka.PipelineAcls.values()) {
            java.util.Set<String> rules = new java.util.TreeSet<>();
            for (var binding : role.bindings("User:any", Topics.DEFAULT)) {
                rules.add((binding.pattern().resourceType() + " " + binding.pattern().name() + " "
                        + binding.pattern().patternType() + " " + binding.entry().operation()).toUpperCase(java.util.Locale.ROOT));
            }
            expected.put("streamaug-" + role.name().toLowerCase(java.util.Locale.ROOT), rules);
        }
        assertThat(users).isEqualTo(expected);
    }

    @Test
    void theDocsAclTableIsTheCodes() throws IOException {
        String docs = Files.readString(ROOT.resolve("docs/deploy.md"));
        List<String> rows = new ArrayList<>();
        for (io.streamaug.kafka.PipelineAcls role : io.streamaug.kafka.PipelineAcls.values()) {
            List<String> grants = new ArrayList<>();
            for (io.streamaug.kafka.PipelineAcls.Grant grant : role.grants()) {
                grants.add(String.join(", ", grant.operationNames().stream().map(op -> "`" + op + "`").toList()) + " on "
                        + io.streamaug.kafka.PipelineAcls.kind(grant.type()) + "s `P.*`");
            }
            rows.add("| " + role.role() + " | " + String.join("; ", grants) + " |");
        }
        Matcher table = Pattern.compile("\\| role \\| ACLs \\|\n\\| --- \\| --- \\|\n((?:\\|.*\\n)+)").matcher(docs);
        assertThat(table.find()).as("docs/deploy.md has the ACL table").isTrue();
        assertThat(table.group(1).lines().toList()).isEqualTo(rows);
    }
}
