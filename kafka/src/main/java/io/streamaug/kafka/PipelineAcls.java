package io.streamaug.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs each role of a pipeline needs on a secured cluster: the one list that docs/deploy.md's
 * table, the Strimzi {@code KafkaUser}s in deploy/k8s and the tests on a secured broker all come
 * from. Behind a topic prefix {@code P}, every resource of a kind is one PREFIXED pattern,
 * {@code P.} (topics, the workers' application id and internal topics, the trainers' groups and the
 * workers' transactional ids all carry it); without one, topics are named and the rest lies under
 * {@code streamaug}.
 */
public enum PipelineAcls {
    /**
     * {@code topics}, {@code produce}, {@code dataset}: creates the topics (and checks existing ones'
     * settings), writes the raw topics and the catalog.
     */
    PRODUCER("producer (`topics`, `produce`, `dataset`)",
            List.of(new Grant(ResourceType.TOPIC, Set.of(AclOperation.CREATE, AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.WRITE)))),
    /** {@code stats}: reads the raw train split, writes the statistics. */
    STATS("`stats`", List.of(new Grant(ResourceType.TOPIC, Set.of(AclOperation.DESCRIBE, AclOperation.READ,
            AclOperation.WRITE)), new Grant(ResourceType.GROUP, Set.of(AclOperation.READ)))),
    /** {@code augment}: reads the raw topics, writes the prepared ones exactly once, keeps internal topics. */
    WORKER("worker (`augment`)", List.of(
            new Grant(ResourceType.TOPIC, Set.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.READ, AclOperation.WRITE)),
            new Grant(ResourceType.GROUP, Set.of(AclOperation.READ)),
            new Grant(ResourceType.TRANSACTIONAL_ID, Set.of(AclOperation.DESCRIBE, AclOperation.WRITE)))),
    /** {@code train}, {@code evaluate}: reads the prepared topics in its group, dead-letters what it cannot use. */
    TRAINER("trainer (`train`, `evaluate`)", List.of(
            new Grant(ResourceType.TOPIC, Set.of(AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE)),
            new Grant(ResourceType.GROUP, Set.of(AclOperation.READ))));

    /** Operations on every resource of one type in the pipeline's namespace. */
    public record Grant(ResourceType type, Set<AclOperation> operations) {
        public Grant {
            operations = Set.copyOf(operations);
        }

        /** The operations in the order docs and manifests list them: alphabetical, Kafka's spelling. */
        public List<String> operationNames() {
            TreeSet<String> names = new TreeSet<>();
            operations.forEach(op -> names.add(op.name()));
            return List.copyOf(names);
        }
    }

    private final String role;
    private final List<Grant> grants;

    PipelineAcls(String role, List<Grant> grants) {
        this.role = role;
        this.grants = grants;
    }

    /** The role as docs/deploy.md's table names it. */
    public String role() {
        return role;
    }

    public List<Grant> grants() {
        return grants;
    }

    /** The resources of {@code type} in the namespace of {@code topics}. */
    public static List<ResourcePattern> resources(ResourceType type, Topics topics) {
        if (!topics.prefix().isEmpty()) {
            return List.of(new ResourcePattern(type, topics.name(""), PatternType.PREFIXED));
        }
        List<ResourcePattern> out = new ArrayList<>();
        if (type == ResourceType.TOPIC) {
            for (String topic : List.of(Topics.RAW_IMAGES, Topics.RAW_TEXT, Topics.AUGMENTED_TRAIN, Topics.PREPARED_VAL,
                    Topics.PREPARED_TEST)) {
                out.add(new ResourcePattern(type, topic, PatternType.LITERAL));
            }
        }
        out.add(new ResourcePattern(type, "streamaug", PatternType.PREFIXED));
        return out;
    }

    /** The ACL bindings that give {@code principal} (e.g. {@code User:alice}) this role in the pipeline of {@code topics}. */
    public List<AclBinding> bindings(String principal, Topics topics) {
        List<AclBinding> out = new ArrayList<>();
        for (Grant grant : grants) {
            for (ResourcePattern resource : resources(grant.type(), topics)) {
                for (AclOperation operation : grant.operations()) {
                    out.add(new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
                }
            }
        }
        return out;
    }

    /** The same bindings without those of {@code type} and {@code operation}: a principal lacking one ACL, for tests and docs. */
    public List<AclBinding> bindingsWithout(String principal, Topics topics, ResourceType type, AclOperation operation) {
        return bindings(principal, topics).stream().filter(b -> !(b.pattern().resourceType() == type
                && b.entry().operation() == operation)).toList();
    }

    /** A resource type as docs and messages name it: {@code transactional id}. */
    public static String kind(ResourceType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
