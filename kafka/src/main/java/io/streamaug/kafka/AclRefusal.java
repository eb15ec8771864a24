package io.streamaug.kafka;

import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The one line for an operation the cluster's ACLs refused: which resource (the topic, group or
 * transactional id), which operations the role needs on it ({@link PipelineAcls}), and where to
 * read more. Kafka's own messages name neither the operation nor, for a transactional id, the id.
 */
public final class AclRefusal {
    private AclRefusal() {
    }

    /**
     * The line for the first refusal in {@code error}'s causes, if any.
     *
     * @param transactionalIds how the role's transactional ids begin, or {@code null} when it has none
     */
    public static Optional<String> explain(Throwable error, PipelineAcls role, Topics topics, String transactionalIds) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException refused) {
                return Optional.of(line(refused, role, topics, transactionalIds));
            }
        }
        return Optional.empty();
    }

    private static String line(AuthorizationException refused, PipelineAcls role, Topics topics, String transactionalIds) {
        ResourceType type;
        String what;
        if (refused instanceof TransactionalIdAuthorizationException) {
            type = ResourceType.TRANSACTIONAL_ID;
            what = "transactional id " + (transactionalIds == null ? "" : transactionalIds + "…");
        } else if (refused instanceof GroupAuthorizationException group) {
            type = ResourceType.GROUP;
            what = "group " + group.groupId();
        } else if (refused instanceof TopicAuthorizationException topic) {
            type = ResourceType.TOPIC;
            what = "topic" + (topic.unauthorizedTopics().size() > 1 ? "s " : " ")
                    + String.join(", ", new TreeSet<>(topic.unauthorizedTopics()));
        } else if (refused instanceof ClusterAuthorizationException) {
            type = ResourceType.CLUSTER;
            what = "the cluster";
        } else {
            return "not authorised by the cluster's ACLs (" + refused.getMessage() + "); grant the " + role.role()
                    + " the ACLs in docs/deploy.md#a-secured-cluster";
        }
        String operations = role.grants().stream().filter(g -> g.type() == type).findFirst()
                .map(g -> String.join(", ", g.operationNames())).orElse(null);
        if (operations == null) {
            return "not authorised on " + what + " (" + refused.getMessage() + "); the " + role.role()
                    + " should need no ACL there: see docs/deploy.md#a-secured-cluster";
        }
        String pattern = PipelineAcls.resources(type, topics).stream().map(AclRefusal::describe)
                .reduce((a, b) -> a + ", " + b).orElse("");
        return "not authorised to " + operations + " " + what + ": the " + role.role() + " needs " + operations
                + " on " + PipelineAcls.kind(type) + "s " + pattern + " (docs/deploy.md#a-secured-cluster)";
    }

    private static String describe(ResourcePattern pattern) {
        return pattern.patternType() == org.apache.kafka.common.resource.PatternType.PREFIXED
                ? "'" + pattern.name() + "*'" : "'" + pattern.name() + "'";
    }
}
