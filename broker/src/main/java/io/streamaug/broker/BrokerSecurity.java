package io.streamaug.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What a secured local broker needs, kept in its data directory ({@code DIR/security}): a certificate
 * authority, the broker's key and certificate signed by it (for 127.0.0.1 and localhost), a truststore
 * holding the CA for clients, and the admin user's SCRAM-SHA-512 password. Made with the JDK's
 * {@code keytool} on first start and reused after, so clients keep working across restarts.
 *
 * <p>Clients use SASL_SSL with SCRAM-SHA-512 on the client port. The controller listener is TLS with
 * client certificates, so only the holder of the broker's key talks to the controller. ACLs are
 * enforced ({@code StandardAuthorizer}, nothing allowed without an ACL); the admin user and the broker's
 * own certificate are super users. Passwords live in files readable only by their owner and never in a
 * log line: {@link #clientConfig()} is a properties file for {@code --kafka-config}.
 */
public final class BrokerSecurity {
    public static final String ADMIN = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String BROKER_DN = "CN=streamaug-broker";

    private final Path dir;
    private final String storePassword;
    private final String adminPassword;

    private BrokerSecurity(Path dir, String storePassword, String adminPassword) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.adminPassword = adminPassword;
    }

    /** The material under {@code dataDir/security}, made on first use. */
    public static BrokerSecurity prepare(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().resolve("security");
        Path secrets = dir.resolve("secrets.properties");
        try {
            if (!Files.exists(secrets)) {
                Files.createDirectories(dir);
                Properties made = new Properties();
                made.setProperty("store.password", randomSecret());
                made.setProperty("admin.password", randomSecret());
                makeCertificates(dir, made.getProperty("store.password"));
                writePrivate(secrets, made, "streamaug broker --secure: keystore and admin passwords");
            }
            Properties loaded = new Properties();
            try (Reader in = Files.newBufferedReader(secrets, StandardCharsets.UTF_8)) {
                loaded.load(in);
            }
            BrokerSecurity security = new BrokerSecurity(dir, loaded.getProperty("store.password"),
                    loaded.getProperty("admin.password"));
            writePrivate(security.clientConfig(), security.clientProperties(ADMIN, security.adminPassword),
                    "client settings for the admin user of the secured streamaug broker; use with --kafka-config");
            return security;
        } catch (IOException e) {
            throw new EmbeddedKafkaBroker.BrokerStartException("cannot prepare the broker's certificates in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The admin's client settings, a properties file readable only by its owner. */
    public Path clientConfig() {
        return dir.resolve("admin-client.properties");
    }

    /** The truststore (PKCS12) holding the CA that signed the broker's certificate. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** Client settings for {@code user}: SASL_SSL, SCRAM-SHA-512, this broker's truststore. */
    public Properties clientProperties(String user, String password) {
        Properties props = new Properties();
        props.setProperty("security.protocol", "SASL_SSL");
        props.setProperty("sasl.mechanism", MECHANISM);
        props.setProperty("sasl.jaas.config", jaas(user, password));
        props.setProperty("ssl.truststore.location", truststore().toString());
        props.setProperty("ssl.truststore.type", "PKCS12");
        props.setProperty("ssl.truststore.password", storePassword);
        return props;
    }

    /** The admin's password, for tests and tools that create users; never logged. */
    public String adminPassword() {
        return adminPassword;
    }

    /** The format tool's arguments that create the admin's SCRAM credential in the cluster's first metadata. */
    List<String> formatArguments() {
        return List.of("--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]");
    }

    /** Broker settings that replace the plaintext listeners: SASL_SSL for clients and brokers, mTLS for the controller. */
    Map<String, String> brokerSettings(int clientPort, int controllerPort) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listeners", "SASL_SSL://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        s.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + clientPort);
        s.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        s.put("inter.broker.listener.name", "SASL_SSL");
        s.put("sasl.enabled.mechanisms", MECHANISM);
        s.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        s.put("listener.name.sasl_ssl." + MECHANISM.toLowerCase() + ".sasl.jaas.config", jaas(ADMIN, adminPassword));
        s.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
        s.put("ssl.keystore.type", "PKCS12");
        s.put("ssl.keystore.password", storePassword);
        s.put("ssl.key.password", storePassword);
        s.put("ssl.truststore.location", truststore().toString());
        s.put("ssl.truststore.type", "PKCS12");
        s.put("ssl.truststore.password", storePassword);
        s.put("listener.name.controller.ssl.client.auth", "required");
        s.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        s.put("allow.everyone.if.no.acl.found", "false");
        s.put("super.users", "User:" + ADMIN + ";User:" + BROKER_DN);
        return s;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writePrivate(Path file, Properties props, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
            props.store(out, comment);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** CA, broker key and CA-signed certificate (SAN 127.0.0.1, localhost), and the clients' truststore. */
    private static void makeCertificates(Path dir, String password) throws IOException {
        for (String name : List.of("ca.p12", "broker.p12", "truststore.p12", "ca.pem", "broker.csr", "broker.pem")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        String ca = dir.resolve("ca.p12").toString();
        String broker = dir.resolve("broker.p12").toString();
        keytool(password, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=streamaug local CA",
                "-ext", "bc:c", "-validity", "3650", "-keystore", ca, "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);
        keytool(password, "-exportcert", "-alias", "ca", "-keystore", ca, "-storepass:env", PASSWORD_ENV, "-rfc", "-file",
                dir.resolve("ca.pem").toString());
        keytool(password, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", BROKER_DN,
                "-validity", "825", "-keystore", broker, "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);
        keytool(password, "-certreq", "-alias", "broker", "-keystore", broker, "-storepass:env", PASSWORD_ENV, "-file",
                dir.resolve("broker.csr").toString());
        keytool(password, "-gencert", "-alias", "ca", "-keystore", ca, "-storepass:env", PASSWORD_ENV, "-infile",
                dir.resolve("broker.csr").toString(), "-outfile", dir.resolve("broker.pem").toString(), "-rfc",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth,clientAuth", "-validity", "825");
        keytool(password, "-importcert", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore", broker,
                "-storepass:env", PASSWORD_ENV, "-noprompt");
        keytool(password, "-importcert", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(), "-keystore", broker,
                "-storepass:env", PASSWORD_ENV, "-noprompt");
        keytool(password, "-importcert", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore",
                dir.resolve("truststore.p12").toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV, "-noprompt");
        Files.deleteIfExists(dir.resolve("broker.csr"));
    }

    private static final String PASSWORD_ENV = "STREAMAUG_KEYTOOL_PASSWORD";

    private static void keytool(String password, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password); // not on the command line, where ps would show it
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool");
        }
    }
}
