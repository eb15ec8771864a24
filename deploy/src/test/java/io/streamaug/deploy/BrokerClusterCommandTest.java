package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.process.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamaug broker --nodes 3}: three broker processes, one bootstrap string, all stopped on SIGTERM. */
class BrokerClusterCommandTest {

    @Test
    void startsThreeBrokerProcessesPrintsTheBootstrapAndStopsThemAll(@TempDir Path dir) throws Exception {
        int port = freeRunOfPorts(3);
        Process command = ChildJvm.main(StreamaugCli.class).heap("256m")
                .args("broker", "--nodes", "3", "--port", Integer.toString(port), "--data-dir", dir.toString()).start();
        List<ProcessHandle> brokers = List.of();
        try {
            String ready = null;
            BufferedReader out = new BufferedReader(new InputStreamReader(command.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            for (String line; ready == null && System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                if (line.contains("ready at")) {
                    ready = line;
                }
            }
            String bootstrap = "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2);
            assertThat(ready).isEqualTo("Kafka cluster of 3 brokers ready at " + bootstrap + " (data in "
                    + dir.toAbsolutePath() + "); Ctrl-C to stop");
            // The command's only children are the broker JVMs.
            brokers = command.children().toList();
            assertThat(brokers).hasSize(3);
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(props)) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            }
            for (int node = 1; node <= 3; node++) {
                assertThat(dir.resolve("node-" + node).resolve("broker.log")).exists();
            }

            assertThat(ChildJvm.stop(command, Duration.ofSeconds(90))).as("exit status after SIGTERM").isNotEqualTo(137);
            for (ProcessHandle broker : brokers) {
                broker.onExit().get(30, TimeUnit.SECONDS);
                assertThat(broker.isAlive()).as("broker %d stopped with the command", broker.pid()).isFalse();
            }
        } finally {
            ChildJvm.kill(command);
            brokers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aCommandStoppedWhileItsClusterFormsStopsTheNodesStartedSoFar(@TempDir Path dir) throws Exception {
        int port = freeRunOfPorts(3);
        Process command = ChildJvm.main(StreamaugCli.class).heap("256m")
                .args("broker", "--nodes", "3", "--port", Integer.toString(port), "--data-dir", dir.toString()).start();
        try {
            // SIGTERM to the command alone, as a supervisor sends it, once its first node runs.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (command.children().findAny().isEmpty()) {
                assertThat(command.isAlive()).as("command running").isTrue();
                assertThat(System.nanoTime()).as("a node launched in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            ChildJvm.stop(command, Duration.ofSeconds(90));

            // No process started for this data directory outlives the command.
            long nodesDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!nodesOf(dir).isEmpty() && System.nanoTime() < nodesDeadline) {
                Thread.sleep(100);
            }
            assertThat(nodesOf(dir)).as("nodes left running").isEmpty();
        } finally {
            ChildJvm.kill(command);
            nodesOf(dir).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The live processes whose command line names {@code dir}: the cluster's nodes. Read from
     * {@code /proc}, since {@code ProcessHandle.Info} cuts a long command line (the class path) short.
     */
    private static List<ProcessHandle> nodesOf(Path dir) {
        byte[] path = dir.toString().getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> {
                    try {
                        return indexOf(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), path) >= 0;
                    } catch (java.io.IOException e) {
                        return false; // ended meanwhile, or not ours to read
                    }
                }).toList();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A port P such that P, P+1 and P+2 are free on loopback now. */
    private static int freeRunOfPorts(int count) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                base = probe.getLocalPort();
            }
            if (base + count > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < count && free; i++) {
                try (ServerSocket next = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                    free = true;
                } catch (java.io.IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no run of " + count + " free ports");
    }
}
